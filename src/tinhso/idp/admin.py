from django.contrib import admin

from .models import Identity


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ["personal_id", "full_name", "phone", "email", "is_active"]
    search_fields = ["personal_id", "full_name", "phone", "email"]
    exclude = ["password"]
    readonly_fields = ["user"]
