// Admits connections within three limits: the server's (`max`), each client's (`per_client`, as
// nginx's limit_conn keyed by address), and `headroom` slots above `max` kept for the probe
// endpoints (/livez, /readyz, /health), so a full server still answers its health checks.
// A Slot gives its place back when destroyed. MT safe.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace selfheal::http {

class ConnectionCounter : public std::enable_shared_from_this<ConnectionCounter> {
 public:
  struct Limits {
    std::size_t max = 256;
    std::size_t headroom = 16;
    std::size_t per_client = 64;
  };
  enum class Refusal { server_full, client_full };

  class Slot {
   public:
    Slot(std::shared_ptr<ConnectionCounter> counter, std::string client, bool probe_only)
        : counter_(std::move(counter)), client_(std::move(client)), probe_only_(probe_only) {}
    ~Slot();
    Slot(Slot&&) = default;
    Slot& operator=(Slot&&) = delete;
    // Admitted into the headroom: may only ask for a probe endpoint, then closes.
    bool probe_only() const { return probe_only_; }

   private:
    std::shared_ptr<ConnectionCounter> counter_;
    std::string client_;
    bool probe_only_;
  };

  explicit ConnectionCounter(Limits limits) : limits_(limits) {}

  // A slot for a connection from `client`, or why there is none.
  std::optional<Slot> try_open(const boost::asio::ip::address& client, Refusal& why);
  std::size_t open() const;

  // The key a client is counted under: its IPv4 address, or the /64 of an IPv6 address (one
  // host commonly holds a whole /64, so counting single IPv6 addresses would limit nothing).
  static std::string client_key(const boost::asio::ip::address& client);

 private:
  void release(const std::string& client);

  const Limits limits_;
  mutable std::mutex mutex_;
  std::size_t open_ = 0;
  std::unordered_map<std::string, std::size_t> per_client_;
};

}  // namespace selfheal::http
