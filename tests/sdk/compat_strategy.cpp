// An ordinary plugin written against the SDK, nothing hand-made: tests/sdk/CMakeLists.txt builds
// it twice, once normally and once with -D_GLIBCXX_USE_CXX11_ABI=0.
#include <selfheal/sdk/strategy.hpp>
#include <string>

namespace {

class CompatStrategy final : public selfheal::sdk::Strategy {
 public:
  // sdk::Strategy
  selfheal::sdk::FixResult apply(const selfheal::sdk::Context& context,
                                 const selfheal::sdk::Diagnosis& diagnosis) override {
    const std::string text = "compat strategy fixed " + diagnosis.issue_type;
    context.logger().info(text);
    return selfheal::sdk::FixResult::ok(text);
  }
};

}  // namespace

SELFHEAL_STRATEGY_PLUGIN(CompatStrategy, "sdk-compat", "1.0.0", "an ordinary SDK-built strategy")
