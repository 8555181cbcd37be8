"""The consent commands as a user runs them."""

import json


def registered_child(run) -> str:
    run("init")
    code, out, _err = run("register", "--study", "MILA", "--site", "1", "--birth-date", "2016-01-10", "--sex", "M",
                          "--first-name", "Hervé", "--last-name", "Lefèvre", "--registered-on", "2026-10-01")
    assert code == 0
    return out.strip()


def test_sign_status_and_withdraw(run):
    child = registered_child(run)
    code, out, _err = run("consent", "sign", child, "--role", "holder1", "--name", "Claire Lefèvre",
                          "--date", "2026-10-02", "--relationship", "mother")
    assert code == 0
    assert "Consent of the second holder of parental authority is missing" in out
    run("consent", "sign", child, "--role", "holder2", "--name", "Marc Lefèvre", "--date", "2026-10-02")
    code, out, _err = run("consent", "sign", child, "--role", "investigator", "--name", "Dr Roux",
                          "--date", "2026-10-02", "--time", "14:30", "--json")
    assert json.loads(out)["state"] == "complete"
    status = json.loads(run("consent", "status", child, "--json")[1])
    assert [s["role"] for s in status["signatures"]] == ["holder1", "holder2", "investigator"]
    assert status["signatures"][2]["signed_time"] == "14:30"
    listed = json.loads(run("participants", "--study", "MILA", "--json")[1])
    assert listed[0]["consent"] == "complete"
    code, out, _err = run("consent", "withdraw", child, "--scope", "follow_up", "--scope", "samples",
                          "--date", "2026-11-01", "--by", "holder1")
    assert code == 0 and "Withdrawn on 2026-11-01" in out and "destroy samples" in out


def test_bad_consent_input_is_one_line_and_exit_2(run):
    child = registered_child(run)
    code, _out, err = run("consent", "sign", child, "--role", "holder1", "--name", "Claire", "--date", "2099-01-01")
    assert code == 2 and err.count("\n") == 1 and "in the future" in err
    code, _out, err = run("consent", "sign", child, "--role", "assent", "--name", "Hervé", "--date", "2026-10-02")
    assert code == 2 and "given or refused" in err
    code, _out, err = run("consent", "withdraw", child, "--scope", "everything", "--date", "2026-10-02")
    assert code == 2 and "invalid choice" in err


def test_the_to_do_lists_what_is_due(run):
    child = registered_child(run)
    run("consent", "sign", child, "--role", "holder1", "--name", "Claire Lefèvre", "--date", "2026-10-02")
    items = json.loads(run("consent", "todo", "--json")[1])
    assert [item["code"] for item in items] == [child]
    assert items[0]["why"].startswith("Consent of the second holder of parental authority is missing")
