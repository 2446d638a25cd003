from django.conf import settings

from .models import AdministrativeUnit


def province(request):
    """The province's name for the header; one indexed lookup, cached for the process."""
    name = _province_name_cache.get(settings.TINHSO_PROVINCE_CODE)
    if name is None:
        unit = AdministrativeUnit.objects.filter(code=settings.TINHSO_PROVINCE_CODE).first()
        name = unit.name if unit else ""
        if unit:
            _province_name_cache[settings.TINHSO_PROVINCE_CODE] = name
    return {"province_name": name}


_province_name_cache: dict[str, str] = {}
