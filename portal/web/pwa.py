"""The portal as an app on a phone: the service worker (served from the site's root so that it may
control every page) and, through base.html, the web app manifest and icons."""
from flask import current_app, send_from_directory

from .access import public


def register(app) -> None:
    @public
    def service_worker():
        response = send_from_directory(current_app.static_folder, "js/sw.js", mimetype="text/javascript",
                                       max_age=0)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["Service-Worker-Allowed"] = "/"
        return response

    app.add_url_rule("/sw.js", "service_worker", service_worker)
