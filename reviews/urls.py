from django.urls import path
from django.views.generic import RedirectView

from reviews import views
from reviews.views import assist as assist_views
from reviews.views import history as history_views
from reviews.views import moderation, stats
from reviews.views import team as team_views

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
    # claim assistance
    path("articles/<int:pk>/suggest/", assist_views.article_suggest, name="article-suggest"),
    path("suggestions/<int:pk>/accept/", assist_views.suggestion_accept, name="suggestion-accept"),
    path("suggestions/<int:pk>/dismiss/", assist_views.suggestion_dismiss, name="suggestion-dismiss"),
    path("claims/<int:pk>/unlink/", assist_views.claim_unlink, name="claim-unlink"),
    path("claims/<int:pk>/adopt/", assist_views.claim_adopt, name="claim-adopt"),
    path("articles/<int:pk>/sources/", assist_views.article_sources, name="article-sources"),
    path("sources/", assist_views.team_sources, name="sources"),
    # the moderation workflow
    path("queue/", moderation.my_queue, name="my-queue"),
    path("moderation/", moderation.moderation_queue, name="moderation-queue"),
    path("claims/", moderation.claim_list, name="claim-list"),
    path("reviews/<int:pk>/decide/", moderation.review_decide, name="review-decide"),
    path("claims/<int:pk>/resolve/", moderation.claim_resolve, name="claim-resolve"),
    path("claims/<int:pk>/comments/", moderation.comment_add, name="comment-add"),
    path("articles/<int:pk>/assign/", moderation.article_assign, name="article-assign"),
    path("assignments/<int:pk>/delete/", moderation.assignment_delete, name="assignment-delete"),
    path("stats/", stats.team_stats, name="stats"),
    path("articles/<int:pk>/stats/", stats.article_stats, name="article-stats"),
    # history and the team's activity
    path("articles/<int:pk>/history/", history_views.article_history, name="article-history"),
    path("claims/<int:pk>/history/", history_views.claim_history, name="claim-history"),
    path("reviews/<int:pk>/history/", history_views.review_history, name="review-history"),
    path("activity/", history_views.activity, name="activity"),
    # team settings (owners)
    path("team/", team_views.team_settings, name="team-settings"),
    path("team/members/add/", team_views.member_add, name="team-member-add"),
    path("team/members/<int:pk>/role/", team_views.member_role, name="team-member-role"),
    path("team/members/<int:pk>/remove/", team_views.member_remove, name="team-member-remove"),
    path("team/categories/add/", team_views.category_add, name="team-category-add"),
    path("team/categories/<int:pk>/", team_views.category_save, name="team-category-save"),
    path("team/categories/<int:pk>/delete/", team_views.category_delete, name="team-category-delete"),
    path("team/ratings/add/", team_views.rating_add, name="team-rating-add"),
    path("team/ratings/<int:pk>/", team_views.rating_save, name="team-rating-save"),
    path("team/ratings/<int:pk>/delete/", team_views.rating_delete, name="team-rating-delete"),
]
