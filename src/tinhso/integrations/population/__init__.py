"""The national population database (Cơ sở dữ liệu quốc gia về dân cư): a citizen looked up
by personal id, with the citizen's consent (client and simulator).

No public specification of the population database's interface for provinces exists; it is
reached through the national data exchange platform. tinhso speaks a small documented REST
call (docs/population.md), which the province's LGSP maps to the national one:

    POST <url>/v1/citizens/lookup   X-Api-Key: <token>
         {"personal_id", "purpose", "requester", "consent": true}
    200  {"found": true, "person": {"personal_id", "full_name", "birth_date" (YYYY-MM-DD),
          "sex" ("male"/"female"), "permanent_residence", "current_residence"}}
    404  {"found": false}
"""

from .client import PopulationClient

__all__ = ["PopulationClient"]
