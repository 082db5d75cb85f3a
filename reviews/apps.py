from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Fact-check reviews"

    def ready(self) -> None:
        from reviews.audit import connect_audited_models

        connect_audited_models()
