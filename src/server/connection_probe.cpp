#include "server/connection_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstdlib>
#include <filesystem>

namespace ls::server {
namespace {

std::string address_of(const sockaddr_storage& ss, int& port) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
    port = ntohs(a->sin6_port);
  } else {
    port = -1;
  }
  return buf;
}

bool matches(int fd, const std::string& local_addr, int local_port, const std::string& remote_addr,
             int remote_port) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return false;
  int port = -1;
  if (address_of(ss, port) != remote_addr || port != remote_port) return false;
  len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return false;
  return address_of(ss, port) == local_addr && port == local_port;
}

}  // namespace

template <class Fn>
void for_each_fd(Fn&& fn) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    const std::string name = entry.path().filename().string();
    char* end = nullptr;
    long fd = std::strtol(name.c_str(), &end, 10);
    if (end == name.c_str() || *end != '\0') continue;
    if (fn(static_cast<int>(fd))) return;
  }
}

ConnectionProbe::ConnectionProbe(const std::string& local_addr, int local_port,
                                 const std::string& remote_addr, int remote_port) {
  for_each_fd([&](int fd) {
    if (!matches(fd, local_addr, local_port, remote_addr, remote_port)) return false;
    fd_ = fd;
    return true;
  });
}

bool widen_listen_backlog(int port, int backlog) {
  bool found = false;
  for_each_fd([&](int fd) {
    int listening = 0;
    socklen_t optlen = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) != 0 || listening == 0) return false;
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int local_port = -1;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return false;
    address_of(ss, local_port);
    if (local_port != port) return false;
    found = listen(fd, backlog) == 0;
    return true;
  });
  return found;
}

int shutdown_connections(int port) {
  int n = 0;
  for_each_fd([&](int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return false;  // not connected
    len = sizeof ss;
    int local_port = -1;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return false;
    address_of(ss, local_port);
    if (local_port == port && shutdown(fd, SHUT_RDWR) == 0) ++n;
    return false;
  });
  return n;
}

bool ConnectionProbe::peer_closed() const {
  if (fd_ < 0) return false;
  pollfd p{fd_, POLLIN | POLLRDHUP, 0};
  if (poll(&p, 1, 0) <= 0) return false;
  if ((p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return true;
  if ((p.revents & POLLIN) != 0) {
    char c = 0;
    // 0 bytes readable with POLLIN = orderly shutdown; pipelined data means the client is alive.
    return recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
  }
  return false;
}

}  // namespace ls::server
