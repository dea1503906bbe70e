from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "ই-গভর্ন্যান্স ও উদ্ভাবন কর্মপরিকল্পনা — প্রশাসন"
admin.site.site_title = "কর্মপরিকল্পনা প্রশাসন"
admin.site.index_title = "কর্মপরিকল্পনা ব্যবস্থাপনা"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("reports.urls")),
]
