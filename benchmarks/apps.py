from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Synthetic consultations and load tests; installed with DJANGO_BENCHMARKS=1."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
