"""The Python package against the LINE simulator, through the native host
(`Connector`) and, for the tests both hosts share, through the `wasmtime`
package (`WasmtimeConnector`). The Rust test suite runs these
(tests/all/python.rs) on the wheel installed in a fresh virtual
environment, with the simulator's URL and credentials in the environment;
run alone, they need `line-connector simulate` and those variables set."""

import base64
import hashlib
import hmac
import json
import os

import pytest

import line_connector
from line_connector import (
    ApiError,
    Authentication,
    Connector,
    InvalidInput,
    Transport,
    WebhookError,
)
from line_connector.wasmtime_host import WasmtimeConnector

SIM = os.environ["LINE_SIMULATOR_URL"]
TOKEN = os.environ["LINE_SIMULATOR_TOKEN"]
CLIENT_ID = os.environ["LINE_SIMULATOR_CLIENT_ID"]
CLIENT_SECRET = os.environ["LINE_SIMULATOR_CLIENT_SECRET"]
USER = "U4af4980629a2b3c4d5e6f708192a3b4c"


@pytest.fixture(scope="module", params=["native", "wasmtime"])
def line(request):
    return Connector() if request.param == "native" else WasmtimeConnector()


@pytest.fixture(scope="module")
def native():
    return Connector()


def token_config(**more):
    return {"channelAccessToken": TOKEN, "apiBaseUrl": SIM, "dataApiBaseUrl": SIM, **more}


def client_config():
    return {
        "clientId": CLIENT_ID,
        "clientSecret": CLIENT_SECRET,
        "tokenUrl": SIM + "/oauth2/v3/token",
        "apiBaseUrl": SIM,
    }


def test_the_package_is_the_installed_one():
    # The Rust suite runs these on what `pip install ./python` installed.
    installed = os.environ["LINE_CONNECTOR_INSTALLED_AT"]
    assert line_connector.__file__.startswith(installed)
    assert line_connector._native.__file__.startswith(installed)


def test_describe_lists_every_action_with_the_connection_test_first(line):
    manifest = line.describe()
    names = [a["name"] for a in manifest["actions"]]
    assert names[0] == "check"
    assert len(names) == 111 and "push" in names and "issue-channel-token" in names
    assert manifest["configSchema"]["properties"]["clientSecret"]["x-secret"] is True


def test_push_returns_lines_request_id_and_the_sent_messages(line):
    result = line.run("push", token_config(), {"to": USER, "text": "Disk full on db-2"})
    assert result["requestId"] and result["retryKey"]
    assert result["sentMessages"][0]["id"]


def test_the_connection_test_with_client_credentials(line):
    result = line.run("check", client_config())
    assert result["authMode"] == "clientSecret"
    assert 0 < result["tokenExpiresIn"] <= 900
    assert result["displayName"]


def test_token_endpoints_use_lines_snake_case_names(line):
    issued = line.run("issue-stateless-channel-token", client_config(), {})
    assert issued["expires_in"] == 900 and issued["access_token"]
    verified = line.run("verify-channel-token", token_config(), {"access_token": issued["access_token"]})
    assert verified["client_id"] == CLIENT_ID


def test_bad_input_is_invalid_input_with_its_field(line):
    with pytest.raises(InvalidInput) as caught:
        line.run("push", token_config(), {"to": "not-a-user", "text": "x"})
    assert caught.value.field == "to"
    with pytest.raises(InvalidInput) as caught:
        line.run("push", {"apiBaseUrl": SIM}, {"to": USER, "text": "x"})
    assert caught.value.field == "config.channelAccessToken"


def test_a_refused_token_is_authentication_with_lines_status_and_request_id(line):
    with pytest.raises(Authentication) as caught:
        line.run("quota", token_config(channelAccessToken="revoked-or-wrong-token"))
    assert caught.value.status == 401
    assert caught.value.request_id
    assert isinstance(caught.value, ApiError)


def test_lines_404_is_an_api_error(line):
    with pytest.raises(ApiError) as caught:
        line.run("get-rich-menu", token_config(), {"richMenuId": "richmenu-" + "0" * 32})
    assert caught.value.status == 404 and caught.value.type == "api"


def test_no_answer_is_a_transport_error_with_its_kind(line):
    config = token_config(apiBaseUrl="http://127.0.0.1:9", maxAttempts=1)
    with pytest.raises(Transport) as caught:
        line.run("quota", config)
    assert caught.value.kind == "connect"


def test_a_webhook_batch_is_verified_then_read(line):
    secret = "webhook-channel-secret"
    body = json.dumps({"destination": USER, "events": []}).encode()
    signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    batch = line.parse(secret, body, signature)
    assert batch["destination"] == USER and batch["events"] == []
    with pytest.raises(WebhookError) as caught:
        line.parse(secret, body + b" ", signature)
    assert caught.value.data["type"] == "signature-mismatch"


def test_an_unknown_action_is_the_components_invalid_input(native):
    with pytest.raises(InvalidInput) as caught:
        native.run("no-such-action", token_config())
    assert caught.value.field == "action"
    assert "push" in str(caught.value)


def test_config_that_is_not_json_shaped_names_its_field(native):
    with pytest.raises(InvalidInput) as caught:
        native.run("push", {"channelAccessToken": 5, "apiBaseUrl": SIM}, {"to": USER, "text": "x"})
    assert caught.value.field == "config.channelAccessToken"


def test_the_allow_list_refuses_a_host_off_it_and_sends_nothing():
    line = Connector(allow=["api.line.me"])
    with pytest.raises(Transport) as caught:
        line.run("push", token_config(), {"to": USER, "text": "x"})
    assert caught.value.kind == "denied"
    allowed = Connector(allow=["127.0.0.1"])
    assert allowed.run("quota", token_config())["type"]


def test_a_bad_option_is_a_value_error_that_quotes_no_password():
    with pytest.raises(ValueError) as caught:
        Connector(proxy="socks5://user:hunter2@127.0.0.1:1080")
    assert "proxy" in str(caught.value) and "hunter2" not in str(caught.value)
    with pytest.raises(ValueError) as caught:
        Connector(allow=["not a host/with a path"])
    assert "allow" in str(caught.value)
    with pytest.raises(ValueError) as caught:
        Connector(ca_file="/nonexistent/ca.pem")
    assert "caFile" in str(caught.value)


def test_input_larger_than_an_instance_can_hold_is_refused_by_the_host(native):
    with pytest.raises(InvalidInput) as caught:
        native.run("push", token_config(), {"to": USER, "text": "x" * (33 << 20)})
    assert "this host takes at most" in str(caught.value)

