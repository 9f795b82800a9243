"""URL arguments for a school's look (core/look_views.py): the icon size is no object."""

URL_KWARGS = {"school_icon": lambda side: {"size": 192}}
NOT_OBJECTS = {"school_icon"}
POST_DATA = {"schoolcontrol:branding": lambda side: {"accent_colour": "#0b5d3b"}}
