from django import template

from assessments.paging import PAGE_PARAM

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number, param=PAGE_PARAM) -> str:
    """This page's query string with another page number (the filters are kept)."""
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode()
