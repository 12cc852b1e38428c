from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from bot.storage.engine import make_engine
from bot.storage.models import IntegrationToken, Staff, StaffSession
from bot.storage.staff import (
    BadCredentials,
    InvalidStaffInput,
    LoginPolicy,
    LoginThrottled,
    StaffMember,
    StaffStore,
)

START = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
PASSWORD = "correct horse battery"
POLICY = LoginPolicy(max_failures=3, lockout=timedelta(minutes=15))
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # argon2id, fast for tests


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def engine(migrated_db_url):
    return make_engine(migrated_db_url)


@pytest.fixture
def store(engine, clock):
    return StaffStore(engine, clock=clock, hasher=CHEAP)


@pytest.fixture
def alice(store):
    return store.add("alice", "张丽", "agent", PASSWORD)


def stored(engine, model, **where):
    with engine.connect() as connection:
        query = select(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return connection.execute(query).fetchall()


def login(store, username="alice", password=PASSWORD, address="10.0.0.1"):
    return store.authenticate(username, password, address, POLICY)


# -- accounts and passwords ------------------------------------------------------

def test_passwords_are_stored_as_argon2id_hashes_only(store, engine, alice):
    assert alice == StaffMember(alice.id, "alice", "张丽", "agent", True)
    (row,) = stored(engine, Staff, username="alice")
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash


def test_the_default_hasher_is_argon2id(engine):
    member = StaffStore(engine).add("bob", "Bob", "admin", PASSWORD)
    (row,) = stored(engine, Staff, id=member.id)
    assert row.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


@pytest.mark.parametrize("username, display_name, role, password, problem", [
    pytest.param("A", "x", "agent", PASSWORD, "username", id="username-too-short"),
    pytest.param("Alice", "x", "agent", PASSWORD, "username", id="username-uppercase"),
    pytest.param("al ice", "x", "agent", PASSWORD, "username", id="username-space"),
    pytest.param("a" * 33, "x", "agent", PASSWORD, "username", id="username-too-long"),
    pytest.param("carol", "", "agent", PASSWORD, "display_name", id="display-name-empty"),
    pytest.param("carol", "x", "root", PASSWORD, "role", id="unknown-role"),
    pytest.param("carol", "x", "agent", "short1234", "password", id="password-9-chars"),
])
def test_invalid_accounts_are_refused_with_the_reason(store, username, display_name, role, password, problem):
    with pytest.raises(InvalidStaffInput) as error:
        store.add(username, display_name, role, password)
    assert error.value.problem == problem


def test_a_username_is_taken_once(store, alice):
    with pytest.raises(InvalidStaffInput) as error:
        store.add("alice", "Another", "agent", PASSWORD)
    assert error.value.problem == "taken"


def test_listing_roles_and_active_agents(store, alice):
    bob = store.add("bob", "Bob", "admin", PASSWORD)
    store.add("carol", "Carol", "agent", PASSWORD)
    carol = store.set_active(store.list_staff()[2].id, False)
    assert [m.username for m in store.list_staff()] == ["alice", "bob", "carol"]
    assert carol.active is False
    assert [m.username for m in store.active_agents()] == ["bob", "alice"]  # by display name
    assert store.set_role(alice.id, "admin").is_admin
    assert store.get(bob.id).role == "admin"
    with pytest.raises(InvalidStaffInput):
        store.set_role(alice.id, "owner")


# -- logins -------------------------------------------------------------------

def test_authenticate_returns_the_member(store, alice):
    assert login(store) == alice


@pytest.mark.parametrize("username, password", [
    pytest.param("alice", "wrong password!", id="wrong-password"),
    pytest.param("nobody", PASSWORD, id="unknown-user"),
    pytest.param("", "", id="empty"),
])
def test_bad_credentials_are_one_error(store, alice, username, password):
    with pytest.raises(BadCredentials):
        login(store, username, password)


class CountingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified: list = []

    def verify(self, hash, password):
        self.verified.append(hash)
        return super().verify(hash, password)


def test_unknown_users_cost_a_hash_verification_too(engine, clock):
    hasher = CountingHasher()
    store = StaffStore(engine, clock=clock, hasher=hasher)
    with pytest.raises(BadCredentials):
        login(store, "nobody")
    assert len(hasher.verified) == 1 and hasher.verified[0].startswith("$argon2id$")


def test_an_inactive_member_cannot_log_in(store, alice):
    store.set_active(alice.id, False)
    with pytest.raises(BadCredentials):
        login(store)


def test_a_hash_with_old_parameters_is_replaced_at_login(engine, clock, alice):
    (before,) = stored(engine, Staff, id=alice.id)
    stronger = StaffStore(engine, clock=clock, hasher=PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    assert stronger.authenticate("alice", PASSWORD, "10.0.0.1", POLICY) == alice
    (after,) = stored(engine, Staff, id=alice.id)
    assert "m=8,t=1,p=1" in before.password_hash and "m=16,t=2,p=1" in after.password_hash
    assert stronger.authenticate("alice", PASSWORD, "10.0.0.1", POLICY) == alice


def fail(store, times, username="alice", address="10.0.0.1"):
    for _ in range(times):
        with pytest.raises(BadCredentials):
            login(store, username, "wrong password!", address)


def test_a_username_is_locked_after_max_failures_even_for_the_right_password(store, clock, alice):
    fail(store, 2, address="10.0.0.1")
    clock.advance(minutes=5)
    fail(store, 1, address="10.0.0.2")  # another address: the username counts
    with pytest.raises(LoginThrottled) as error:
        login(store, address="10.0.0.3")
    assert error.value.retry_after_seconds == 10 * 60  # the first failure leaves the window in 10 min
    clock.advance(minutes=10)
    assert login(store) == alice


def test_an_address_is_locked_whatever_username_it_tries(store, clock, alice):
    for name in ("x1", "x2", "x3"):
        fail(store, 1, username=name, address="10.9.9.9")
    with pytest.raises(LoginThrottled):
        login(store, address="10.9.9.9")
    assert login(store, address="10.0.0.1") == alice  # the same account from elsewhere


def test_attempts_while_locked_do_not_extend_the_lock(store, clock, alice):
    fail(store, 3)
    for _ in range(5):
        clock.advance(minutes=1)
        with pytest.raises(LoginThrottled):
            login(store, password="wrong password!")
    clock.advance(minutes=10)
    assert login(store) == alice


def test_the_lock_survives_a_new_store_on_the_same_database(engine, clock, store, alice):
    fail(store, 3)
    with pytest.raises(LoginThrottled):
        StaffStore(engine, clock=clock, hasher=CHEAP).authenticate("alice", PASSWORD, "10.0.0.1", POLICY)


def test_a_successful_login_clears_the_failures_of_the_user(store, alice):
    fail(store, 2)
    login(store)
    fail(store, 2)
    assert login(store) == alice
    fail(store, 3)
    assert store.clear_failures("alice") == 3
    assert login(store) == alice


# -- sessions -----------------------------------------------------------------

def test_a_session_is_found_by_its_token_and_only_its_hash_is_stored(store, engine, alice):
    token, csrf = store.open_session(alice, hours=12)
    assert store.session(token) == (alice, csrf)
    assert store.session(token).member == alice
    (row,) = stored(engine, StaffSession, staff_id=alice.id)
    assert row.token_hash != token and len(row.token_hash) == 64 and token not in row.token_hash
    assert store.session("not-a-token") is None and store.session("") is None


def test_sessions_expire(store, clock, alice):
    token, _ = store.open_session(alice, hours=12)
    clock.advance(hours=11, minutes=59)
    assert store.session(token) is not None
    clock.advance(minutes=1)
    assert store.session(token) is None


def test_a_session_sees_role_changes_at_once(store, alice):
    token, _ = store.open_session(alice, hours=1)
    store.set_role(alice.id, "admin")
    assert store.session(token).member.role == "admin"


def test_closing_a_session_ends_only_that_one(store, alice):
    first, _ = store.open_session(alice, hours=1)
    second, _ = store.open_session(alice, hours=1)
    store.close_session(first)
    assert store.session(first) is None and store.session(second) is not None
    store.close_sessions_of(alice.id)
    assert store.session(second) is None


@pytest.mark.parametrize("change", [
    pytest.param(lambda store, member: store.set_active(member.id, False), id="deactivated"),
    pytest.param(lambda store, member: store.set_password(member.id, "a new password!"), id="password-reset"),
])
def test_deactivation_and_password_reset_end_the_sessions(store, engine, alice, change):
    token, _ = store.open_session(alice, hours=12)
    change(store, alice)
    assert store.session(token) is None
    assert stored(engine, StaffSession, staff_id=alice.id) == []


def test_a_reactivated_member_does_not_get_old_sessions_back(store, alice):
    token, _ = store.open_session(alice, hours=12)
    store.set_active(alice.id, False)
    store.set_active(alice.id, True)
    assert store.session(token) is None


def test_a_reset_password_replaces_the_old_one(store, alice):
    store.set_password(alice.id, "a new password!")
    with pytest.raises(BadCredentials):
        login(store)
    assert login(store, password="a new password!") == alice
    with pytest.raises(InvalidStaffInput):
        store.set_password(alice.id, "short")


# -- integration tokens ----------------------------------------------------------

def test_integration_tokens_are_hashed_checked_and_revoked(store, engine):
    token = store.create_integration_token("team-desk")
    (row,) = stored(engine, IntegrationToken, name="team-desk")
    assert token not in row.token_hash and len(token) >= 40
    assert store.integration_name(token) == "team-desk"
    assert store.integration_name(token + "x") is None and store.integration_name("") is None
    assert store.revoke_integration_token("team-desk") is True
    assert store.integration_name(token) is None
    assert store.revoke_integration_token("team-desk") is False
    [info] = store.list_integration_tokens()
    assert info.name == "team-desk" and info.revoked_at == START


def test_an_active_token_name_is_not_reissued_but_a_revoked_one_is(store):
    first = store.create_integration_token("crm")
    with pytest.raises(InvalidStaffInput) as error:
        store.create_integration_token("crm")
    assert error.value.problem == "token_taken"
    store.revoke_integration_token("crm")
    second = store.create_integration_token("crm")
    assert store.integration_name(second) == "crm" and store.integration_name(first) is None
    with pytest.raises(InvalidStaffInput):
        store.create_integration_token("bad name!")


def test_the_lock_cannot_be_dodged_by_changing_the_case(store, alice):
    for typed in ("Alice", "ALICE", " alice "):
        fail(store, 1, username=typed)
    with pytest.raises(LoginThrottled):
        login(store, address="10.0.0.2")
