from django.urls import path
from django.views.generic import RedirectView

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="reviews:article-list"), name="home"),
    path("teams/switch/", views.team_switch, name="team-switch"),
    path("articles/", views.article_list, name="article-list"),
    path("articles/import/", views.article_import, name="article-import"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("articles/<int:pk>/claims/", views.claim_create, name="claim-create"),
    path("claims/<int:pk>/", views.claim_panel, name="claim-detail"),
    path("claims/<int:pk>/delete/", views.claim_delete, name="claim-delete"),
    path("claims/<int:pk>/review/", views.review_save, name="review-save"),
    path("claims/<int:pk>/evidence/", views.evidence_add, name="evidence-add"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence-delete"),
]
