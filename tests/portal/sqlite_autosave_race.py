"""Run by tests/portal/test_sqlite_concurrency.py in its own process, on a SQLite FILE database
(the test database is in memory, where SQLite's locking differs): 8 threads autosave one
criterion at the same moment; prints one status per thread and the item's final version."""

import os
import sys
import threading

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

os.environ.update(DJANGO_SETTINGS_MODULE="portal.settings", DEBUG="1", ALLOWED_HOSTS="testserver")
os.environ["DATABASE_URL"] = f"sqlite:///{sys.argv[1]}"
os.environ.pop("PYTEST_VERSION", None)
django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from assessments.criteria_io import load_reference_agencies  # noqa: E402
from assessments.models import Agency  # noqa: E402
from assessments.services import get_or_create_submission  # noqa: E402
from tests.factories import make_period, make_user  # noqa: E402

THREADS = 8

call_command("migrate", verbosity=0)
load_reference_agencies()
period = make_period()
agency = Agency.objects.get(code="so-tai-chinh")
officer = make_user("canbo_a", agency=agency)
submission = get_or_create_submission(agency, period)
item = (
    submission.items.filter(criterion__rule="yes_no").first()
    or submission.items.filter(criterion__children__isnull=True).first()
)
url = reverse("assessments:item_save", args=[submission.pk, item.pk])
clients = []
for _ in range(THREADS):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    clients.append(client)

barrier = threading.Barrier(THREADS)
statuses = [None] * THREADS


def autosave(index):
    payload = {
        f"c{item.pk}-version": item.version,
        f"c{item.pk}-explanation": f"Giải trình lần {index}",
    }
    barrier.wait()
    response = clients[index].post(url, payload, HTTP_HX_REQUEST="true")
    statuses[index] = response.status_code


threads = [threading.Thread(target=autosave, args=(i,)) for i in range(THREADS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
before = item.version
item.refresh_from_db()
print(" ".join(str(status) for status in sorted(statuses)))
print(item.version - before)
