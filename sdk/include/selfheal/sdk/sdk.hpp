// Everything of the SDK in one include.
#pragma once

#include "selfheal/sdk/bloom_filter.hpp"
#include "selfheal/sdk/diagnoser.hpp"
#include "selfheal/sdk/memory_pool.hpp"
#include "selfheal/sdk/sliding_window.hpp"
#include "selfheal/sdk/state_view.hpp"
#include "selfheal/sdk/strategy.hpp"
