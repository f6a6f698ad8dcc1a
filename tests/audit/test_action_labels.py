"""The audit trail speaks the reader's language: every action the code can write has a label,
and the pages and the administration show the label, never the code."""

import ast
import importlib
import itertools
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from registry.audit.models import ACTION_LABELS
from registry.audit.services import audit_record
from registry.cells.models import Supervision

from ..text import visible_text

SOURCE = Path(settings.BASE_DIR) / "registry"

# Placeholders whose values come from outside the module (a form) and that the service checks
# against a fixed list before writing: supervision_record refuses any other kind.
CHECKED_BY_THE_SERVICE = {"kind": lambda: Supervision.Kind.values}


def _functions(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _calls(node, name):
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called == name:
                yield call


def _values_passed(module, tree, function, parameter):
    """What `parameter` of `function` receives at the calls in its own module, evaluated in
    the module's namespace (S.APPROVED → "approved"); None when it cannot be told."""
    params = [a.arg for a in function.args.posonlyargs + function.args.args]
    values = set()
    for call in _calls(tree, function.name):
        argument = next((k.value for k in call.keywords if k.arg == parameter), None)
        if argument is None and parameter in params and params.index(parameter) < len(call.args):
            argument = call.args[params.index(parameter)]
        try:
            values.add(str(eval(ast.unparse(argument), vars(module))))
        except Exception:
            return None
    return values or None


def actions_written_by_the_code() -> tuple[set[str], list[str]]:
    """Every action code passed to audit_record in registry/, f-strings expanded."""
    actions, unknown = set(), []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_name = ".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts)
        for function in _functions(tree):
            for call in _calls(function, "audit_record"):
                where = f"{path.relative_to(settings.BASE_DIR)}:{call.lineno}"
                action = next((k.value for k in call.keywords if k.arg == "action"), None)
                if isinstance(action, ast.Constant):
                    actions.add(action.value)
                    continue
                if not isinstance(action, ast.JoinedStr):
                    unknown.append(f"{where}: action is not written out")
                    continue
                choices = []
                for part in action.values:
                    if isinstance(part, ast.Constant):
                        choices.append([part.value])
                        continue
                    name = ast.unparse(part.value)
                    module = importlib.import_module(module_name)
                    values = _values_passed(module, tree, function, name)
                    if values is None and name in CHECKED_BY_THE_SERVICE:
                        values = CHECKED_BY_THE_SERVICE[name]()
                    if not values:
                        unknown.append(f"{where}: cannot tell what {{{name}}} can be")
                        break
                    choices.append(sorted(values))
                else:
                    actions.update("".join(p) for p in itertools.product(*choices))
    return actions, unknown


def test_every_action_the_code_writes_has_a_label():
    actions, unknown = actions_written_by_the_code()
    assert unknown == []
    # The scan itself works: plain codes, and both kinds of f-strings, expanded.
    assert {"unit.create", "plan.approved", "plan.amending", "supervision.giam_sat"} <= actions
    assert "plan.draft" not in actions  # a plan starts as "plan.create", never moves to draft
    assert sorted(actions - ACTION_LABELS.keys()) == []


def test_the_administration_lists_what_happened_by_label(login, people, tree):
    audit_record(actor=people.bob, action="review.finalise", target=tree.cell, number="01-BC/CB")
    client = login(people.root)
    url = reverse("admin:audit_auditevent_changelist")
    text = visible_text(client.get(url).text)
    assert "Ban hành báo cáo sơ kết, tổng kết" in text  # the label, in the list and the filter
    assert "Tạo đơn vị" in text  # written when the fixture's units were made
    assert "review.finalise" not in text
    assert "unit.create" not in text
    only = client.get(url, {"action": "review.finalise"})
    assert only.context["cl"].result_count == 1
    event = only.context["cl"].result_list[0]
    page = visible_text(client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).text)
    assert "Ban hành báo cáo sơ kết, tổng kết" in page
    assert "review.finalise" not in page


def test_a_member_record_shows_what_happened_by_label(login, people):
    page = login(people.bob).get(reverse("members:detail", args=[people.alice_member.pk]))
    assert "Thêm vào danh sách chi bộ" in page.text
    assert "member.create" not in page.text
