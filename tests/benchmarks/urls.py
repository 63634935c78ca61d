"""The site's addresses with the benchmark's constant views (DJANGO_BENCH_CEILING)."""

from django.urls import include, path

from consultation.urls import urlpatterns as site

urlpatterns = [*site, path("bench/", include("benchmarks.urls"))]
