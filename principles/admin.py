"""Framework content is read-only here: it is loaded from reviewed data files by
``manage.py load_framework``, never typed into the admin."""

from django.contrib import admin

from principles.models import Framework, LevelDescriptor, Principle, Question


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    extra = 0
    show_change_link = True


class PrincipleInline(ReadOnlyInline):
    model = Principle
    fields = ["number", "title"]


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = ["order", "key", "text"]


class LevelInline(ReadOnlyInline):
    model = LevelDescriptor
    fields = ["level", "descriptor"]
    show_change_link = False


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ["title", "slug", "version", "published", "loaded_at"]
    inlines = [PrincipleInline]


@admin.register(Principle)
class PrincipleAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "framework"]
    list_filter = ["framework"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["key", "principle", "order", "framework"]
    list_filter = ["framework", "principle__number"]
    search_fields = ["key", "text"]
    inlines = [LevelInline]
