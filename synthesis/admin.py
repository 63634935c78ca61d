from django.contrib import admin

from .models import Synthesis


@admin.register(Synthesis)
class SynthesisAdmin(admin.ModelAdmin):
    """Read only: `build_synthesis` writes the syntheses."""

    list_display = ["consultation", "built_at", "build_seconds", "proposal_count"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
