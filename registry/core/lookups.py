"""`field__any=[…]`: `field IN (…)` for a long list of values. On PostgreSQL the list is one
array parameter (`= ANY(%s)`), so that neither the statement's text nor its parsing grows
with the list; elsewhere it is the ordinary `IN`."""

from django.db.models import Field, ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class _AnyMixin:
    lookup_name = "any"

    def as_postgresql(self, compiler, connection):
        if self.rhs_is_direct_value():
            values = [v for v in self.rhs if v is not None]
            if values:
                lhs, lhs_params = self.process_lhs(compiler, connection)
                return f"{lhs} = ANY(%s)", [*lhs_params, values]
        return self.as_sql(compiler, connection)  # a subquery, or no values: as `__in`


@Field.register_lookup
class AnyOf(_AnyMixin, In):
    pass


@ForeignObject.register_lookup
class RelatedAnyOf(_AnyMixin, RelatedIn):
    pass
