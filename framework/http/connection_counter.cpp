#include "http/connection_counter.hpp"

namespace selfheal::http {

ConnectionCounter::Slot::~Slot() {
  if (counter_) counter_->release(client_);
}

std::string ConnectionCounter::client_key(const boost::asio::ip::address& client) {
  if (client.is_v6()) {
    const auto v6 = client.to_v6();
    if (v6.is_v4_mapped()) return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
    auto bytes = v6.to_bytes();
    for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
    return boost::asio::ip::address_v6(bytes).to_string() + "/64";
  }
  return client.to_string();
}

std::optional<ConnectionCounter::Slot> ConnectionCounter::try_open(const boost::asio::ip::address& client,
                                                                   Refusal& why) {
  std::string key = client_key(client);
  std::lock_guard lock(mutex_);
  if (open_ >= limits_.max + limits_.headroom) {
    why = Refusal::server_full;
    return std::nullopt;
  }
  std::size_t& mine = per_client_[key];
  if (mine >= limits_.per_client) {
    if (mine == 0) per_client_.erase(key);
    why = Refusal::client_full;
    return std::nullopt;
  }
  ++mine;
  const bool probe_only = open_ >= limits_.max;
  ++open_;
  return Slot(shared_from_this(), std::move(key), probe_only);
}

std::size_t ConnectionCounter::open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

void ConnectionCounter::release(const std::string& client) {
  std::lock_guard lock(mutex_);
  --open_;
  auto it = per_client_.find(client);
  if (it != per_client_.end() && --it->second == 0) per_client_.erase(it);
}

}  // namespace selfheal::http
