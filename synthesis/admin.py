from django.contrib import admin

from .models import RegionalSynthesis, Synthesis


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read only: `build_synthesis` writes the syntheses."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Synthesis)
class SynthesisAdmin(ReadOnlyAdmin):
    list_display = ["consultation", "built_at", "build_seconds", "proposal_count"]


@admin.register(RegionalSynthesis)
class RegionalSynthesisAdmin(ReadOnlyAdmin):
    list_display = [
        "region",
        "consultation",
        "built_at",
        "build_seconds",
        "proposal_count",
    ]
    list_filter = ["consultation"]
