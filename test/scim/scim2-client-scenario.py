"""Provisioning as an identity provider's SCIM client does it, with scim2-client (python-scim): argv[1] is a JSON
object {base, token, alice}; prints one JSON object of what each step saw. Only the client library speaks HTTP."""
import json
import sys

import httpx2
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import Email, Error, Group, GroupMember, ListResponse, Name, PatchOp, PatchOperation, SearchRequest, User

args = json.loads(sys.argv[1])
http = httpx2.Client(base_url=args["base"], headers={"Authorization": f"Bearer {args['token']}"})
scim = SyncSCIMClient(http)
scim.discover()
seen = {"resource_types": sorted(rt.id for rt in scim.resource_types or [])}

ivy = scim.create(User(user_name="ivy@tenant-a.org", name=Name(given_name="Ivy", family_name="Ito"), emails=[Email(value="ivy@tenant-a.org", primary=True)]))
seen["created"] = {"id": ivy.id, "user_name": ivy.user_name, "active": ivy.active, "version": ivy.meta.version}

found = scim.query(User, query_parameters=SearchRequest(filter='userName eq "ivy@tenant-a.org"'))
seen["found"] = {"total": found.total_results, "ids": [u.id for u in found.resources or []]}

refused = scim.query(User, query_parameters=SearchRequest(filter='userName sw "ivy"'), raise_scim_errors=False, expected_status_codes=None)
seen["refused"] = {"status": refused.status, "scim_type": refused.scim_type} if isinstance(refused, Error) else repr(refused)

team = scim.create(Group(display_name="python_team", members=[GroupMember(value=ivy.id)]))
patched = scim.modify(Group, team.id, PatchOp[Group](operations=[PatchOperation(op="add", path="members", value=[{"value": args["alice"]}])]))
seen["group"] = {"id": team.id, "members": sorted(m.value for m in patched.members or [])}

off = scim.modify(User, ivy.id, PatchOp[User](operations=[PatchOperation(op="replace", path="active", value=False)]))
seen["deactivated"] = {"active": off.active}

scim.delete(User, ivy.id)
seen["after_delete"] = {"active": scim.query(User, ivy.id).active}
print(json.dumps(seen))
