# Dutch: Django's own formats, with a comma between date and time as in Limen's other languages.
DATETIME_FORMAT = "j F Y, H:i"
