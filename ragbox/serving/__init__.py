"""``ragbox serve``: the models and the store kept warm behind a Unix socket, for the CLI (and any
other front end) to use while it runs.

``client.connect(settings)`` returns a ``RemoteEngine`` answering ``search`` and ``ask`` like the
``Engine`` would, or None when no server runs for the settings' store, so a caller always has a
local path. The socket is the owner's alone (a 0700 folder, a 0600 socket, the peer's user id
checked on both ends); there is no TCP listener. ``protocol`` is the wire format (one JSON object
a line), ``server`` and ``client`` its two ends.
"""
