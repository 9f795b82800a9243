from django.contrib import admin

from ouderportaal.results.models import CutScore, LearningGoal, Period, ResultSettings


@admin.register(CutScore)
class CutScoreAdmin(admin.ModelAdmin):
    list_display = ["school", "scale_code", "moment", "cut_1_2", "cut_2_3", "cut_3_4", "cut_4_5"]
    list_filter = ["school", "scale_code"]


admin.site.register(ResultSettings)
admin.site.register(Period)
admin.site.register(LearningGoal)
