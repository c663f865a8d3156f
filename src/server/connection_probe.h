// Tells whether the HTTP client of the current request has hung up, so its generation can be
// cancelled. cpp-httplib does not hand the socket to handlers; the probe finds it by the
// connection's address pair (the handler thread keeps it open, so the match is this connection).
#pragma once

#include <string>

namespace ls::server {

class ConnectionProbe {
 public:
  ConnectionProbe() = default;
  // Finds the socket whose local and peer addresses are these; an unfound socket is never "closed".
  ConnectionProbe(const std::string& local_addr, int local_port, const std::string& remote_addr,
                  int remote_port);

  // True once the peer has closed (or reset) the connection. Cheap: one poll, maybe one peek.
  bool peer_closed() const;
  bool found() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Raises the accept backlog of the socket listening on local `port` (cpp-httplib's compiled-in
// backlog is 5, so a burst of clients connecting at once overflowed it and some of their
// connections were dropped). Listening again on a listening socket only changes its backlog.
// Returns whether the socket was found.
bool widen_listen_backlog(int port, int backlog);

// Shuts down every accepted connection on local `port` (idle keep-alive ones would otherwise hold
// a worker thread until their timeout). For the very end of a graceful stop. Returns how many.
int shutdown_connections(int port);

}  // namespace ls::server
