"""The 15-minute childcare circle (N-10): the area's table of communities, and a township's plot and table."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import access_circle
from ..selectors import circle as circle_sel
from ._base import _day


@login_required
def circle(request):
    """15分钟托育服务圈: every township and community of the user's area, with links to each township's plot."""
    access_circle.require_reader(request.user)
    overview = circle_sel.circle_overview(request.user, on=_day(request))
    return render(request, "nursery/circle_overview.html", {"o": overview})


@login_required
def circle_township(request, township_id: int):
    """A township's circle: the plot (households, centres and points with their circles, the best new points) and
    the table of its communities."""
    township = access_circle.access_township(request.user, township_id)
    page = circle_sel.township_circle(request.user, township, on=_day(request))
    return render(request, "nursery/circle_township.html", {"c": page, "plot": page.plot()})
