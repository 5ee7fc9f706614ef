from django.core.management.base import BaseCommand, CommandError

from kaohe.demo.services import DemoError, demo_instructions, demo_site_load


class Command(BaseCommand):
    help = "Load the demo county into an empty database (加载示例县数据)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, default=None, help="assessment year (default: this year)"
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="URL to print")

    def handle(self, *args, **options):
        try:
            summary = demo_site_load(year=options["year"])
        except DemoError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(demo_instructions(summary, url=options["url"]))
