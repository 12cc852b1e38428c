"""The Kubernetes values (deploy/helm) against our own files: what the production
profile needs (endpoints.prod.yml, credentials.yml, bot/settings.py), where the
secrets come from, the probes and the measured memory. No helm here: the chart's
rendering rules used (rasa 1.17.8, rasa-action-server 1.0.9) are named where used."""
import re
from pathlib import Path
from typing import Any, Dict, List, Set

import pytest
import yaml

from bot.rasa_ext.api_guard import is_public
from bot.settings import Settings
from tests.support.servers import ROOT

HELM = ROOT / "deploy" / "helm"
RASA_VALUES = HELM / "rasa-values.yaml"
ACTIONS_VALUES = HELM / "rasa-action-server-values.yaml"
# Resident memory measured under load (bench/README.md, "Session 5").
MEASURED_MB = {RASA_VALUES: 900, ACTIONS_VALUES: 380}
# Set by the rasa chart itself (templates/_containers-env.yaml); extraEnv comes after.
CHART_ENV = {"ACTION_SERVER_URL", "RASA_TOKEN", "JWT_SECRET", "RASA_TELEMETRY_ENABLED",
             "MPLCONFIGDIR", "TF_CPP_MIN_LOG_LEVEL"}
# Secrets the production profile reads besides the ${VARS} of endpoints.prod.yml.
PROFILE_SECRETS = {"DATABASE_URL", "REDIS_URL", "RASA_API_TOKEN", "WEBCHAT_SECRET",
                   *Settings.from_env({}).wechat_environment()}
# Keys of the chart's default stores (values.yaml), whose ${DB_HOST}... nothing here sets.
CHART_STORE_KEYS = {"trackerStore": {"type", "dialect", "url", "port", "username", "password", "db", "login_db"},
                    "lockStore": {"type", "url", "port", "password", "db"}}
UNITS = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


def values(path: Path) -> Dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), f"{path.name} is not a YAML mapping"
    return loaded


def header(path: Path) -> str:
    """The comment block the file opens with, as one line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    block = [line.lstrip("# ") for line in lines[:next(i for i, line in enumerate(lines) if not line.startswith("#"))]]
    return " ".join(block)


def documented_secrets(path: Path) -> Set[str]:
    """``secret/key`` for each key the header lists ("Secrets: keys of the Kubernetes secret NAME (...): a, b.")."""
    found = re.search(r"Secrets: keys of the Kubernetes secret (\S+) \(.*?\):\s*([a-z0-9-]+(?:, [a-z0-9-]+)*)\.",
                      header(path))
    assert found, f"{path.name}: no secret list in the header comment"
    return {f"{found[1]}/{key}" for key in found[2].split(", ")}


def env_list(path: Path) -> List[Dict[str, Any]]:
    return values(path).get("extraEnv") or []


def megabytes(quantity: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)([a-zA-Z]*)", quantity).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit] / 10**6


def rendered_env(rasa: Dict[str, Any]) -> Set[str]:
    """Variables the Rasa container gets: extraEnv, and ACTION_SERVER_URL, which the chart sets
    from rasa-action-server.external.url (templates/helpers/_action-server.tpl)."""
    names = {entry["name"] for entry in rasa.get("extraEnv") or []}
    external = rasa.get("rasa-action-server", {}).get("external", {})
    if external.get("enabled") and external.get("url"):
        names.add("ACTION_SERVER_URL")
    return names


@pytest.mark.parametrize("path", [RASA_VALUES, ACTIONS_VALUES], ids=lambda p: p.name)
def test_the_values_files_are_yaml_with_no_variable_twice(path: Path) -> None:
    names = [entry["name"] for entry in env_list(path)]
    assert len(names) == len(set(names)), names
    assert not CHART_ENV & set(names), "set by the chart already"


def variables(node: Any) -> Set[str]:
    """The ${VARS} among a YAML document's values."""
    if isinstance(node, (dict, list)):
        return set().union(*map(variables, node.values() if isinstance(node, dict) else node))
    return set(re.findall(r"\$\{(\w+)\}", node)) if isinstance(node, str) else set()


def test_every_variable_the_production_profile_needs_reaches_the_rasa_container() -> None:
    expanded = variables(yaml.safe_load((ROOT / "endpoints.prod.yml").read_text(encoding="utf-8")))
    assert {"ACTION_SERVER_URL", "TRACKER_DATABASE_URL", "REDIS_URL"} <= expanded
    missing = (expanded | PROFILE_SECRETS) - rendered_env(values(RASA_VALUES))
    assert not missing, f"not in rasa-values.yaml's env: {sorted(missing)}"


@pytest.mark.parametrize("path, needed", [
    pytest.param(RASA_VALUES, PROFILE_SECRETS | {"TRACKER_DATABASE_URL", "ACTION_SERVER_TOKEN"}, id="rasa"),
    pytest.param(ACTIONS_VALUES, {"DATABASE_URL", "ACTION_SERVER_TOKEN"}, id="actions"),
])
def test_secrets_come_from_documented_secret_keys_never_literal_values(path: Path, needed: Set[str]) -> None:
    by_name = {entry["name"]: entry for entry in env_list(path)}
    assert needed <= set(by_name)
    for name in needed:
        assert "value" not in by_name[name] and by_name[name]["valueFrom"]["secretKeyRef"], name
    used = {f"{ref['name']}/{ref['key']}" for entry in by_name.values()
            if (ref := entry.get("valueFrom", {}).get("secretKeyRef"))}
    assert used <= documented_secrets(path), f"undocumented: {sorted(used - documented_secrets(path))}"


def test_every_rasa_replica_pulls_the_active_model_from_the_console_with_the_secret_token() -> None:
    by_name = {entry["name"]: entry for entry in env_list(RASA_VALUES)}
    url = by_name["MODEL_SERVER_URL"]["value"]
    assert url.startswith("http://") and url.endswith("/models/active.tar.gz"), url
    assert by_name["MODEL_SERVER_TOKEN"]["valueFrom"]["secretKeyRef"]["key"] == "model-server-token"


def test_rasa_and_the_action_server_share_one_action_server_token() -> None:
    refs = [{e["name"]: e for e in env_list(path)}["ACTION_SERVER_TOKEN"]["valueFrom"]["secretKeyRef"]
            for path in (RASA_VALUES, ACTIONS_VALUES)]
    assert refs[0] == refs[1] == {"name": "bot-secrets", "key": "action-server-token"}


def test_the_rendered_endpoints_are_the_production_profiles() -> None:
    """The chart renders each key but `enabled` unquoted; ours must say what endpoints.prod.yml says
    and blank the chart's defaults (${DB_HOST}...) that nothing sets."""
    prod = yaml.safe_load((ROOT / "endpoints.prod.yml").read_text(encoding="utf-8"))
    settings = values(RASA_VALUES)["applicationSettings"]
    for ours, theirs in (("trackerStore", "tracker_store"), ("lockStore", "lock_store")):
        store = {key: value for key, value in settings["endpoints"][ours].items() if key != "enabled"}
        assert settings["endpoints"][ours]["enabled"] is True and CHART_STORE_KEYS[ours] <= set(store)
        assert {key: str(value) for key, value in prod[theirs].items()} == {
            key: str(value) for key, value in store.items() if value != ""}, ours
    assert prod["action_endpoint"] == {"url": "${ACTION_SERVER_URL}"}  # the chart's, verbatim


def test_the_rendered_credentials_are_credentials_yml() -> None:
    channels = values(RASA_VALUES)["applicationSettings"]["credentials"]
    assert channels["enabled"] is True
    assert channels["additionalChannelCredentials"] == yaml.safe_load(
        (ROOT / "credentials.yml").read_text(encoding="utf-8"))


def test_rasa_runs_our_launcher_on_the_chart_s_files_and_port() -> None:
    rasa = values(RASA_VALUES)
    args = rasa["args"]
    assert rasa["command"] == ["python", "-m", "bot.rasa_ext.launcher"] and args[:2] == ["run", "--enable-api"]
    assert "--auth-token" not in args  # the launcher adds RASA_API_TOKEN's
    # Where the chart mounts its ConfigMap (templates/_containers-volumes.yaml).
    assert (args[args.index("--endpoints") + 1], args[args.index("--credentials") + 1]) == (
        "/app/endpoints.yml", "/app/credentials.yml")
    assert args[args.index("--port") + 1] == str(rasa["applicationSettings"]["port"])


def test_rasa_calls_the_action_server_service_on_its_port() -> None:
    release = re.search(r"release name `(\S+)`", header(ACTIONS_VALUES))
    assert release
    port = values(ACTIONS_VALUES)["service"]["port"]  # the chart's default is 80
    url = values(RASA_VALUES)["rasa-action-server"]["external"]["url"]
    assert url == f"http://{release[1]}-rasa-action-server:{port}/webhook"


@pytest.mark.parametrize("path, route", [
    pytest.param(RASA_VALUES, "/webhooks/rest/", id="rasa"),
    pytest.param(ACTIONS_VALUES, "/health", id="actions"),
])
def test_probes_hit_routes_open_without_the_api_token(path: Path, route: str) -> None:
    chart_values = values(path)
    for probe in ("readinessProbe", "livenessProbe"):
        # The charts' schema types the port as a string: the container port's name.
        assert chart_values[probe]["httpGet"] == {"path": route, "port": "http"}, probe
    if path == RASA_VALUES:
        assert is_public(route)
        assert chart_values["nginx"]["enabled"] is False  # its sidecar probes "/", which needs the token


def test_the_ingress_publishes_only_the_public_routes() -> None:
    ingress = values(RASA_VALUES)["ingress"]
    assert ingress["annotations"]["nginx.ingress.kubernetes.io/use-regex"] == "true"
    public = re.compile("^" + ingress["path"])  # as ingress-nginx's regex location
    for path in ("/chat", "/chat/static/app.js", "/webhooks/webchat/stream", "/webhooks/wechat/webhook"):
        assert public.match(path) and is_public(path), path
    for path in ("/", "/status", "/model/parse", "/conversations/a/tracker", "/webhooks/rest/webhook"):
        assert not public.match(path), path


@pytest.mark.parametrize("path", [RASA_VALUES, ACTIONS_VALUES], ids=lambda p: p.name)
def test_memory_requests_cover_the_measured_resident_memory(path: Path) -> None:
    resources = values(path)["resources"]
    requested = megabytes(resources["requests"]["memory"])
    assert requested >= MEASURED_MB[path]
    assert megabytes(resources["limits"]["memory"]) >= requested
