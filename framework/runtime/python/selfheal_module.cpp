// `import selfheal`: the runtime (libselfheal.so, <selfheal/runtime.hpp>) for Python, in the
// shape of the original's loader (reference/original-design.md, "Integration with Main
// Application"):
//
//   loader = selfheal.get_component_loader("/etc/selfheal/plugins.yaml", mode="follow")
//   await loader.start()            # or loader.start() outside asyncio
//   bloom = loader.get_component("bloom_filter")
//   ...
//   loader.stop()
//
// Threading: every call into the runtime runs with the GIL released, so Python threads call the
// components in parallel and the runtime's own thread (on_change) can take the GIL meanwhile.
//
// Lifetime: each start() opens a runtime into a Session; components and pool buffers hold the
// Session. stop() closes the runtime (waiting for the calls in flight): afterwards every component
// and buffer of that session raises selfheal.Error("... stopped"); it never touches freed memory.
// stop() refuses (BufferError) while a pool buffer of the session is still exported to a
// memoryview (or numpy array, ...), because closing would free memory a view still points to.
//
// Pool buffers: a PoolBuffer object is itself the exporter of its memory (the buffer protocol,
// writable); `.memoryview` is memoryview(buffer). It counts its exports: release() raises
// BufferError while any view of it is alive (as bytearray refuses to resize), so a released
// buffer's memory is never reachable from Python. Release twice: selfheal.Error.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <selfheal/runtime.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <variant>

namespace py = pybind11;

namespace {

using selfheal::Error;

// True on the runtime's thread while it runs a Python on_change callback: stop() there would
// join the thread it runs on.
thread_local bool tl_in_callback = false;

// One opened runtime and the handles taken from it. The handles live here (not in the Python
// objects) because each handle keeps the runtime alive: stop() must be able to drop them all.
struct Session {
  std::shared_mutex mutex;  // shared: a call in flight; exclusive: closing
  std::shared_ptr<selfheal::Runtime> runtime;  // null once closed (guarded by mutex)
  std::map<std::string, std::variant<selfheal::BloomFilter, selfheal::SlidingWindow, selfheal::MemoryPool>,
           std::less<>>
      handles;  // guarded by mutex; nodes are stable, components point into them
  std::atomic<bool> accepting{true};  // false from the moment stop() starts (read with the GIL)
  long exported_views = 0;            // pool buffers' live buffer exports (GIL held)
  std::string manifest;

  // Drops the runtime; waits for calls in flight. GIL released by the caller.
  void close() {
    std::unique_lock lock(mutex);
    handles.clear();
    auto rt = std::move(runtime);
    runtime.reset();
    lock.unlock();
    rt.reset();  // the runtime's destructor joins its threads: outside the lock
  }
  ~Session() {
    if (!runtime) return;
    if (tl_in_callback) {
      // The last reference went away inside an on_change callback, on the runtime's own thread:
      // its destructor cannot join that thread, so another thread closes it.
      std::thread([rt = std::move(runtime), hs = std::move(handles)]() mutable {
        hs.clear();
        rt.reset();
      }).detach();
      return;
    }
    // Last reference dropped without stop(): close with the GIL released, as the runtime's
    // thread may be waiting for it in an on_change callback.
    if (Py_IsInitialized() && PyGILState_Check()) {
      py::gil_scoped_release nogil;
      close();
    } else {
      close();
    }
  }
};

// Every live session, so that interpreter exit closes them before Python finalizes (a runtime
// thread must not try to take the GIL of a finalizing interpreter).
std::mutex g_sessions_mutex;
std::set<std::weak_ptr<Session>, std::owner_less<std::weak_ptr<Session>>> g_sessions;

[[noreturn]] void throw_stopped(const Session& s) {
  throw Error("selfheal: the loader of " + s.manifest + " was stopped");
}

// A call into the runtime: GIL released, the session held open for its duration.
template <class F>
auto with_runtime(Session& s, F&& f) {
  py::gil_scoped_release nogil;
  std::shared_lock lock(s.mutex);
  if (!s.runtime) throw_stopped(s);
  return f();
}

// A key: str (its UTF-8, cached by the str object) or any C-contiguous bytes-like object, read in
// place. The view must not outlive `obj`, which the caller's frame keeps alive.
class KeyView {
 public:
  explicit KeyView(py::handle obj) {
    if (PyUnicode_Check(obj.ptr())) {
      Py_ssize_t n = 0;
      const char* p = PyUnicode_AsUTF8AndSize(obj.ptr(), &n);
      if (!p) throw py::error_already_set();
      key_ = std::string_view(p, static_cast<std::size_t>(n));
      return;
    }
    if (!PyObject_CheckBuffer(obj.ptr()))
      throw py::type_error(std::string("selfheal: a key is str or bytes-like, not ") + Py_TYPE(obj.ptr())->tp_name);
    if (PyObject_GetBuffer(obj.ptr(), &view_, PyBUF_SIMPLE) != 0) throw py::error_already_set();
    held_ = true;
    key_ = std::string_view(static_cast<const char*>(view_.buf), static_cast<std::size_t>(view_.len));
  }
  ~KeyView() {
    if (held_) PyBuffer_Release(&view_);
  }
  KeyView(const KeyView&) = delete;
  KeyView& operator=(const KeyView&) = delete;
  std::string_view get() const { return key_; }

 private:
  Py_buffer view_{};
  bool held_ = false;
  std::string_view key_;
};

// A component holds its session and a pointer to its handle in the session's map: valid while the
// session's runtime is open, which with_runtime checks under the session's lock before each call.
struct PyBloomFilter {
  std::shared_ptr<Session> session;
  std::string name;
  selfheal::BloomFilter* handle;

  bool insert(py::handle key) {
    KeyView k(key);
    return with_runtime(*session, [&] { return handle->insert(k.get()); });
  }
  bool contains(py::handle key) {
    KeyView k(key);
    return with_runtime(*session, [&] { return handle->contains(k.get()); });
  }
  std::uint64_t item_count() {
    return with_runtime(*session, [&] { return handle->item_count(); });
  }
  void clear() {
    with_runtime(*session, [&] { handle->clear(); });
  }
};

struct PySlidingWindow {
  std::shared_ptr<Session> session;
  std::string name;
  selfheal::SlidingWindow* handle;

  // The frame's memory is read in place (no copy): a C-contiguous buffer of exactly
  // width * height * channels bytes (any item type: its bytes are the pixels).
  selfheal::FrameResult add_frame(const py::buffer& frame, std::uint32_t width, std::uint32_t height,
                                  std::uint32_t channels, std::int64_t timestamp_us) {
    Py_buffer view{};
    if (PyObject_GetBuffer(frame.ptr(), &view, PyBUF_C_CONTIGUOUS) != 0) {
      PyErr_Clear();
      throw py::value_error(
          "selfheal: add_frame needs a C-contiguous buffer (a numpy slice with strides is not one: "
          "pass numpy.ascontiguousarray(frame))");
    }
    std::unique_ptr<Py_buffer, void (*)(Py_buffer*)> held(&view, PyBuffer_Release);
    const auto expected = static_cast<std::uint64_t>(width) * height * channels;
    if (width == 0 || height == 0 || channels == 0)
      throw py::value_error("selfheal: add_frame: width, height and channels must be positive");
    if (static_cast<std::uint64_t>(view.len) != expected)
      throw py::value_error("selfheal: add_frame: the frame has " + std::to_string(view.len) + " bytes, " +
                            std::to_string(width) + "x" + std::to_string(height) + "x" + std::to_string(channels) +
                            " needs " + std::to_string(expected) + " bytes");
    const selfheal::Frame f{{static_cast<const std::uint8_t*>(view.buf), static_cast<std::size_t>(view.len)},
                            width, height, channels, timestamp_us};
    return with_runtime(*session, [&] { return handle->add_frame(f); });
  }
  void clear() {
    with_runtime(*session, [&] { handle->clear(); });
  }
};

struct PyPoolBuffer {
  std::shared_ptr<Session> session;
  selfheal::MemoryPool* pool;
  selfheal::PoolBuffer buffer;
  std::size_t requested = 0;  // what allocate() was asked: the size Python sees (as bytearray(n))
  bool released = false;
  long exports = 0;  // live buffer exports of this object (GIL held)

  void release() {
    if (released) throw Error("selfheal: pool buffer " + std::to_string(buffer.id) + " was already released");
    if (exports > 0)
      throw py::buffer_error("selfheal: pool buffer " + std::to_string(buffer.id) + " still has " +
                             std::to_string(exports) +
                             " exported view(s): release them first (memoryview.release() or del)");
    released = true;  // even when the session is stopped: the pool and its memory are gone then
    with_runtime(*session, [&] { pool->release(buffer); });
  }
};

struct PyMemoryPool {
  std::shared_ptr<Session> session;
  std::string name;
  selfheal::MemoryPool* handle;

  PyPoolBuffer allocate(std::size_t bytes) {
    auto b = with_runtime(*session, [&] { return handle->allocate(bytes); });
    return PyPoolBuffer{session, handle, b, bytes, false, 0};
  }
};

// The buffer protocol of PyPoolBuffer, counting exports (pybind11's def_buffer cannot count).
int pool_buffer_getbuffer(PyObject* self, Py_buffer* view, int flags) {
  PyPoolBuffer* b = nullptr;
  try {
    b = &py::cast<PyPoolBuffer&>(py::handle(self));
  } catch (...) {
    PyErr_SetString(PyExc_BufferError, "selfheal: not a pool buffer");
    return -1;
  }
  if (b->released) {
    PyErr_SetString(PyExc_BufferError, "selfheal: this pool buffer was released");
    return -1;
  }
  if (!b->session->accepting.load()) {
    PyErr_SetString(PyExc_BufferError, "selfheal: the loader of this pool buffer was stopped");
    return -1;
  }
  if (PyBuffer_FillInfo(view, self, b->buffer.data, static_cast<Py_ssize_t>(b->requested), 0, flags) != 0)
    return -1;
  ++b->exports;
  ++b->session->exported_views;
  return 0;
}

void pool_buffer_releasebuffer(PyObject* self, Py_buffer*) {
  auto& b = py::cast<PyPoolBuffer&>(py::handle(self));
  --b.exports;
  --b.session->exported_views;
}

// The bloom filter's per-key calls, as plain CPython methods (METH_O, sq_contains): pybind11's
// generic dispatcher (argument vectors, a type lookup by name for `self`) cost more than the
// call into the runtime; bench/python_overhead.py measures what is left.
py::handle g_error_type;  // selfheal.Error

const char* kind_name(Error::Kind k) {
  switch (k) {
    case Error::Kind::manifest: return "manifest";
    case Error::Kind::not_found: return "not_found";
    case Error::Kind::component: return "component";
    case Error::Kind::out_of_memory: return "out_of_memory";
    case Error::Kind::invalid_argument: return "invalid_argument";
    case Error::Kind::other: break;
  }
  return "other";
}

// Raises selfheal.Error(message) with `.kind` (Error::Kind's name), so callers can tell a bad
// manifest from an unknown component or a pool at its limit without parsing the message.
void set_python_error(const Error& e) {
  PyObject* exc = PyObject_CallFunction(g_error_type.ptr(), "s", e.what());
  if (!exc) return;  // that call's own error is set
  if (PyObject_SetAttrString(exc, "kind", py::str(kind_name(e.kind())).ptr()) != 0) {
    Py_DECREF(exc);
    return;
  }
  PyErr_SetObject(g_error_type.ptr(), exc);
  Py_DECREF(exc);
}

PyBloomFilter* bloom_self(PyObject* self) {
  // The class is final (no Python subclass), so `self` has one value: pybind11's fast path.
  auto vh = reinterpret_cast<py::detail::instance*>(self)->get_value_and_holder();
  return vh.holder_constructed() ? vh.value_ptr<PyBloomFilter>() : nullptr;
}

// -1 with a Python error set, else 0 or 1.
template <bool Insert>
int bloom_call(PyObject* self, PyObject* key) noexcept {
  try {
    auto* b = bloom_self(self);
    if (!b) {
      PyErr_SetString(PyExc_TypeError, "selfheal: an uninitialised BloomFilter");
      return -1;
    }
    return (Insert ? b->insert(key) : b->contains(key)) ? 1 : 0;
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (py::builtin_exception& e) {
    e.set_error();
  } catch (const Error& e) {
    set_python_error(e);
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  } catch (...) {
    PyErr_SetString(PyExc_RuntimeError, "selfheal: unknown C++ exception");
  }
  return -1;
}

template <bool Insert>
PyObject* bloom_method(PyObject* self, PyObject* key) noexcept {
  const int r = bloom_call<Insert>(self, key);
  if (r < 0) return nullptr;
  return PyBool_FromLong(r);
}

PyMethodDef g_bloom_methods[] = {
    {"insert", bloom_method<true>, METH_O, "insert(key): True when the key (str or bytes-like) was (probably) new."},
    {"contains", bloom_method<false>, METH_O, "contains(key): True when the key (str or bytes-like) was (probably) inserted."},
};

// An awaitable that is already complete: `await loader.start()` gives the loader.
struct Completed {
  py::object value;
};

class Loader {
 public:
  // Dropped without stop(): the session closes when its last component is gone (~Session), or
  // at interpreter exit (close_all_sessions).
  Loader(std::string manifest, selfheal::Mode mode) : manifest_(std::move(manifest)), mode_(mode) {}

  // Opens the runtime synchronously and returns an already-complete awaitable. Runtime::open only
  // reads the manifest and loads the plugins (probing them in a child); healing and following run
  // on the runtime's own threads afterwards. So there is nothing left to await, and one code path
  // serves asyncio (`await loader.start()`) and plain code (`loader.start()`), with errors raised
  // at the call in both. Not a coroutine: a plain call leaves no "never awaited" warning.
  Completed start(py::object self) {
    if (!session_ || !session_->runtime) {
      auto s = std::make_shared<Session>();
      s->manifest = manifest_;
      {
        py::gil_scoped_release nogil;
        s->runtime = selfheal::Runtime::open({.manifest = manifest_, .mode = mode_});
      }
      {
        std::lock_guard lock(g_sessions_mutex);
        g_sessions.insert(s);
      }
      session_ = std::move(s);
    }
    return Completed{std::move(self)};
  }

  // Closes the runtime. Components and pool buffers obtained before raise selfheal.Error after.
  // Stopping a stopped loader does nothing; start() opens a new runtime.
  void stop() {
    if (!session_) return;
    if (tl_in_callback) throw Error("selfheal: stop() from an on_change callback (it runs on the runtime's thread)");
    if (session_->exported_views > 0)
      throw py::buffer_error("selfheal: " + std::to_string(session_->exported_views) +
                             " pool buffer view(s) still exported: release them before stop()");
    session_->accepting = false;
    {
      py::gil_scoped_release nogil;
      session_->close();
    }
    std::lock_guard lock(g_sessions_mutex);
    g_sessions.erase(session_);
    session_.reset();
  }

  bool running() const { return session_ && session_->runtime; }

  py::object get_component(const std::string& name) {
    auto& s = open_session();
    using Handle = std::variant<selfheal::BloomFilter, selfheal::SlidingWindow, selfheal::MemoryPool>;
    Handle* handle = nullptr;
    {
      py::gil_scoped_release nogil;
      std::unique_lock lock(s.mutex);
      if (!s.runtime) throw_stopped(s);
      if (auto it = s.handles.find(name); it != s.handles.end()) {
        handle = &it->second;
      } else {
        // The kind comes from the manifest: each getter throws for a component of another kind.
        auto add = [&](auto get) {
          if (handle) return;
          try {
            handle = &s.handles.emplace(name, get()).first->second;
          } catch (const Error&) {
          }
        };
        add([&] { return s.runtime->bloom_filter(name); });
        add([&] { return s.runtime->sliding_window(name); });
        add([&] { return s.runtime->memory_pool(name); });
      }
    }
    if (handle) {
      if (auto* h = std::get_if<selfheal::BloomFilter>(handle)) return py::cast(PyBloomFilter{session_, name, h});
      if (auto* h = std::get_if<selfheal::SlidingWindow>(handle)) return py::cast(PySlidingWindow{session_, name, h});
      return py::cast(PyMemoryPool{session_, name, &std::get<selfheal::MemoryPool>(*handle)});
    }
    throw Error("selfheal: no component " + name + " in " + manifest_ +
                " (the components are the manifest's `components:`; or none of its implementations works: see the "
                "log)",
                Error::Kind::not_found);
  }

  // Status::to_json() as a dict: {mode, daemon_running, daemon_pid, reason, components: {...}}.
  py::object status() {
    auto& s = open_session();
    const std::string text = with_runtime(s, [&] { return s.runtime->status().to_json(); });
    return py::module_::import("json").attr("loads")(text);
  }

  // The original's component-status shape, {loader_running, check_interval_seconds, components},
  // plus ours: mode, daemon_running, daemon_pid, reason (and each component's switches,
  // longest_pause_us, breaker and error). check_interval_seconds is None: the runtime's API does
  // not expose the manifest's settings.
  py::dict get_component_status() {
    py::dict out;
    out["loader_running"] = running();
    out["check_interval_seconds"] = py::none();
    if (!running()) {
      out["mode"] = mode_ == selfheal::Mode::heal ? "heal" : "follow";
      out["components"] = py::dict();
      return out;
    }
    py::dict st = status();
    for (auto item : st) out[item.first] = item.second;
    out["loader_running"] = true;
    out["check_interval_seconds"] = py::none();
    return out;
  }

  // `callback(component, change)` on the runtime's thread after each switch, with the GIL held.
  // Its exceptions are printed (sys.unraisablehook) and go no further.
  std::uint64_t on_change(py::function callback) {
    auto& s = open_session();
    // The callable is owned by a holder that takes the GIL to drop it: the runtime destroys its
    // callbacks on its own (GIL-free) schedule.
    struct Holder {
      py::object fn;
      explicit Holder(py::object f) : fn(std::move(f)) {}
      ~Holder() {
        if (!Py_IsInitialized()) {
          (void)fn.release();  // the interpreter is gone: leak rather than touch it
          return;
        }
        py::gil_scoped_acquire gil;
        fn = py::object();
      }
    };
    auto holder = std::make_shared<Holder>(std::move(callback));
    auto cb = [holder](const selfheal::Change& c) {
      if (!Py_IsInitialized() || _Py_IsFinalizing()) return;
      py::gil_scoped_acquire gil;
      tl_in_callback = true;
      try {
        holder->fn(c.component, c.change);
      } catch (py::error_already_set& e) {
        e.discard_as_unraisable("selfheal on_change callback");
      } catch (const std::exception& e) {
        PyErr_SetString(PyExc_RuntimeError, e.what());
        PyErr_WriteUnraisable(holder->fn.ptr());
      }
      tl_in_callback = false;
    };
    return with_runtime(s, [&] { return s.runtime->on_change(std::move(cb)); });
  }

  // Heal mode: the HTTP API of `selfheal serve` from this process; returns "host:port".
  std::string serve_http(const std::string& listen) {
    auto& s = open_session();
    return with_runtime(s, [&] { return s.runtime->serve_http(listen); });
  }

  std::string mode_name() const { return mode_ == selfheal::Mode::heal ? "heal" : "follow"; }
  const std::string& manifest() const { return manifest_; }

 private:
  Session& open_session() {
    if (!session_) throw Error("selfheal: the loader of " + manifest_ + " is not started (call start())");
    return *session_;
  }

  std::string manifest_;
  selfheal::Mode mode_;
  std::shared_ptr<Session> session_;
};

selfheal::Mode parse_mode(const std::string& mode) {
  if (mode == "follow") return selfheal::Mode::follow;
  if (mode == "heal") return selfheal::Mode::heal;
  throw py::value_error("selfheal: mode is \"heal\" or \"follow\", not \"" + mode + "\"");
}

void close_all_sessions() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(g_sessions_mutex);
    for (const auto& w : g_sessions)
      if (auto s = w.lock()) live.push_back(std::move(s));
    g_sessions.clear();
  }
  for (auto& s : live) s->accepting = false;
  py::gil_scoped_release nogil;
  for (auto& s : live) s->close();
}

}  // namespace

PYBIND11_MODULE(selfheal, m) {
  m.doc() =
      "selfheal's runtime for applications: components (bloom_filter, sliding_window, memory_pool) "
      "served by C++ at once and by Rust when selfheal has built and accepted it.";
  m.attr("RUNTIME_VERSION") = py::make_tuple(selfheal::kRuntimeVersionMajor, selfheal::kRuntimeVersionMinor);
  g_error_type = py::exception<Error>(m, "Error", PyExc_RuntimeError);
  g_error_type.attr("kind") = "other";  // the class default; each raised error sets its own
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      set_python_error(e);
    }
  });

  py::class_<Completed>(m, "_Completed")
      .def("__await__", [](py::object self) { return self; })
      .def("__iter__", [](py::object self) { return self; })
      .def("__next__", [](Completed& c) -> py::object {
        PyErr_SetObject(PyExc_StopIteration, py::make_tuple(c.value).ptr());
        throw py::error_already_set();
      });

  py::class_<selfheal::FrameResult>(m, "FrameResult")
      .def_readonly("is_duplicate", &selfheal::FrameResult::is_duplicate)
      .def_readonly("confidence", &selfheal::FrameResult::confidence)
      .def_readonly("frame_hash", &selfheal::FrameResult::frame_hash)
      .def_readonly("window_size", &selfheal::FrameResult::window_size)
      .def("__repr__", [](const selfheal::FrameResult& r) {
        return "FrameResult(is_duplicate=" + std::string(r.is_duplicate ? "True" : "False") +
               ", confidence=" + std::to_string(r.confidence) + ", frame_hash=" + std::to_string(r.frame_hash) +
               ", window_size=" + std::to_string(r.window_size) + ")";
      });

  py::class_<PyBloomFilter> bloom(m, "BloomFilter", py::is_final(), py::custom_type_setup([](PyHeapTypeObject* heap_type) {
                                    heap_type->as_sequence.sq_contains = bloom_call<false>;
                                    heap_type->ht_type.tp_as_sequence = &heap_type->as_sequence;
                                  }));
  for (auto& def : g_bloom_methods) {
    auto descr = py::reinterpret_steal<py::object>(PyDescr_NewMethod(reinterpret_cast<PyTypeObject*>(bloom.ptr()), &def));
    if (!descr) throw py::error_already_set();
    bloom.attr(def.ml_name) = descr;
  }
  bloom.def_property_readonly("item_count", &PyBloomFilter::item_count)
      .def("clear", &PyBloomFilter::clear)
      .def_readonly("name", &PyBloomFilter::name);

  py::class_<PySlidingWindow>(m, "SlidingWindow")
      .def("add_frame", &PySlidingWindow::add_frame, py::arg("frame"), py::arg("width"), py::arg("height"),
           py::arg("channels") = 1, py::arg("timestamp_us") = 0,
           "frame: any C-contiguous buffer (bytes, bytearray, memoryview, numpy array) of "
           "width*height*channels bytes, read in place.")
      .def(
          "is_duplicate",
          [](PySlidingWindow& w, const py::buffer& frame, std::uint32_t width, std::uint32_t height,
             std::uint32_t channels,
             std::int64_t ts) { return w.add_frame(frame, width, height, channels, ts).is_duplicate; },
          py::arg("frame"), py::arg("width"), py::arg("height"), py::arg("channels") = 1, py::arg("timestamp_us") = 0)
      .def("clear", &PySlidingWindow::clear)
      .def_readonly("name", &PySlidingWindow::name);

  py::class_<PyPoolBuffer>(m, "PoolBuffer", py::custom_type_setup([](PyHeapTypeObject* heap_type) {
                             heap_type->as_buffer.bf_getbuffer = pool_buffer_getbuffer;
                             heap_type->as_buffer.bf_releasebuffer = pool_buffer_releasebuffer;
                             heap_type->ht_type.tp_as_buffer = &heap_type->as_buffer;
                           }))
      .def_property_readonly("memoryview", [](py::object self) { return py::memoryview(self); },
                             "A writable memoryview of the buffer (release() refuses while one is alive).")
      .def_property_readonly("size", [](const PyPoolBuffer& b) { return b.requested; })
      .def_property_readonly("capacity", [](const PyPoolBuffer& b) { return b.buffer.size; },
                             "The pool's block size (>= size); the views cover `size` bytes.")
      .def_property_readonly("id", [](const PyPoolBuffer& b) { return b.buffer.id; })
      .def_property_readonly("released", [](const PyPoolBuffer& b) { return b.released; })
      .def("__len__", [](const PyPoolBuffer& b) { return b.requested; })
      .def("release", &PyPoolBuffer::release);

  py::class_<PyMemoryPool>(m, "MemoryPool")
      .def("allocate", &PyMemoryPool::allocate, py::arg("bytes"))
      .def_readonly("name", &PyMemoryPool::name);

  py::class_<Loader>(m, "ComponentLoader")
      .def(py::init([](const std::filesystem::path& manifest, const std::string& mode) {
             return Loader(manifest.string(), parse_mode(mode));
           }),
           py::arg("manifest"), py::arg("mode") = "follow")
      .def("start", [](py::object self) { return self.cast<Loader&>().start(self); },
           "Opens the runtime; returns an already-complete awaitable (`await loader.start()` works too).")
      .def("stop", &Loader::stop,
           "Closes the runtime, waiting for calls in flight; its components and buffers raise selfheal.Error "
           "afterwards. BufferError while a pool buffer's memoryview is alive.")
      .def_property_readonly("running", &Loader::running)
      .def_property_readonly("mode", &Loader::mode_name)
      .def_property_readonly("manifest", &Loader::manifest)
      .def("get_component", &Loader::get_component, py::arg("name"),
           "The manifest's component `name`: a BloomFilter, SlidingWindow or MemoryPool (by its kind).")
      .def("get_component_status", &Loader::get_component_status,
           "The original's {loader_running, check_interval_seconds, components} plus mode, daemon_running, "
           "daemon_pid and reason.")
      .def("status", &Loader::status, "The runtime's Status::to_json() as a dict.")
      .def("on_change", &Loader::on_change, py::arg("callback"),
           "callback(component, change) on the runtime's thread after each switch, GIL held; its exceptions "
           "go to sys.unraisablehook. Returns an id.")
      .def("serve_http", &Loader::serve_http, py::arg("listen") = "127.0.0.1:0",
           "Heal mode: serves selfheal's HTTP API from this process; returns \"host:port\".")
      .def("__enter__", [](py::object self) {
        self.cast<Loader&>().start(self);
        return self;
      })
      .def("__exit__", [](Loader& l, py::args) { l.stop(); });

  m.def(
      "get_component_loader",
      [](const std::filesystem::path& manifest, const std::string& mode) {
        return Loader(manifest.string(), parse_mode(mode));
      },
      py::arg("manifest"), py::arg("mode") = "follow",
      "A loader for the manifest's components; mode \"follow\" (a `selfheal serve` daemon heals) or \"heal\" "
      "(this process heals).");

  // Close every runtime before the interpreter finalizes (see g_sessions).
  py::module_::import("atexit").attr("register")(py::cpp_function(&close_all_sessions));
}
