from django.utils.functional import SimpleLazyObject

from trusts.models import Trust


def data_banner(request):
    """Tell every page whether invented data is loaded, so nobody mistakes it for real scores."""
    return {"invented_data": SimpleLazyObject(Trust.invented_data_origins)}
