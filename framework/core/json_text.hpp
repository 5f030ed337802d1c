// JSON text of a Boost.JSON value, as the CLI's --json output, the HTTP API and the history write
// it. Boost 1.81's serializer prints doubles in scientific form ("8E0", "1E-2"), which is valid
// JSON but reads as noise to a person and to tools that compare text; here a double is printed as
// the shortest decimal that reads back to the same value ("8", "0.01", "1e+300"), as Python's
// json and JavaScript's JSON.stringify do. NaN and infinities, which JSON cannot hold, are null.
#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace selfheal {

std::string json_text(const boost::json::value& value);

}  // namespace selfheal
