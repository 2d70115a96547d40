from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResolutionsConfig(AppConfig):
    name = "resolutions"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Directives")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from organizations.hooks import register_succession_handler
        from organizations.models import Organ, Organization, Term
        from organizations.signals import tree_changed

        from .models import Directive
        from .selectors import forget_register_choices
        from .succession import carry_register

        # A reorganisation hands the register's open work on to the units that carry it.
        register_succession_handler(carry_register)

        # The dashboards' filter form caches the register's issuers and terms (and their names).
        for model in (Directive, Organ, Term, Organization):
            post_save.connect(forget_register_choices, sender=model, dispatch_uid=f"register-choices-{model.__name__}")
            post_delete.connect(forget_register_choices, sender=model,
                                dispatch_uid=f"register-choices-del-{model.__name__}")
        tree_changed.connect(forget_register_choices, dispatch_uid="register-choices-tree")
