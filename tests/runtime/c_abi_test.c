/* The C ABI as a C application uses it (C11, only <selfheal/selfheal.h>): a follow runtime with
 * no daemon serves C++; the three components from two threads; status JSON; errors as codes with
 * messages, an ABI mismatch refused. argv[1]: the plugin folder; argv[2]: the rust-core crate.
 * Exits non-zero with the failing check on stderr. */
#define _GNU_SOURCE
#include <pthread.h>
#include <selfheal/selfheal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;
#define CHECK(cond)                                                               \
  do {                                                                            \
    if (!(cond)) {                                                                \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, #cond, \
              selfheal_last_error());                                             \
      ++failures;                                                                 \
    }                                                                             \
  } while (0)

static const char* const kComponents[] = {"bloom_filter", "sliding_window", "memory_pool"};

static void write_manifest(const char* path, const char* state, const char* plugins, const char* crate) {
  FILE* f = fopen(path, "w");
  if (!f) exit(2);
  fprintf(f, "version: 1\nsettings:\n  state_dir: %s\n  plugin_dir: %s\n", state, plugins);
  fprintf(f, "crates:\n  - name: rust-core\n    path: %s\n    library: selfheal_rust_core\n    abi_version: 1\n", crate);
  fprintf(f, "plugins:\n  components:\n");
  for (int i = 0; i < 3; ++i) {
    char dashed[64];
    snprintf(dashed, sizeof dashed, "%s", kComponents[i]);
    for (char* c = dashed; *c; ++c)
      if (*c == '_') *c = '-';
    fprintf(f, "    - {name: %s_cpp, library: component-%s-cpp.so}\n", kComponents[i], dashed);
    fprintf(f, "    - {name: %s_rust, library: component-%s-rust.so}\n", kComponents[i], dashed);
  }
  fprintf(f, "components:\n");
  for (int i = 0; i < 3; ++i)
    fprintf(f, "  %s:\n    implementations: {cpp: %s_cpp, rust: %s_rust}\n", kComponents[i], kComponents[i],
            kComponents[i]);
  fclose(f);
}

struct worker {
  selfheal_bloom* bloom;
  int misses;
};

static void* contains_loop(void* arg) {
  struct worker* w = arg;
  char key[32];
  for (int i = 0; i < 20000; ++i) {
    int found = 0;
    snprintf(key, sizeof key, "key-%d", i % 100);
    if (selfheal_bloom_contains(w->bloom, key, strlen(key), &found) != SELFHEAL_OK || !found) ++w->misses;
  }
  return NULL;
}

static int changes_seen = 0;
static void on_change(const char* component, const char* change, void* user) {
  (void)component;
  (void)change;
  ++*(int*)user;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s PLUGIN_DIR RUST_CORE_DIR\n", argv[0]);
    return 2;
  }
  char root[] = "/tmp/selfheal-c-abi-XXXXXX";
  if (!mkdtemp(root)) return 2;
  char manifest[256], state[256], bad[256];
  snprintf(manifest, sizeof manifest, "%s/plugins.yaml", root);
  snprintf(state, sizeof state, "%s/state", root);
  snprintf(bad, sizeof bad, "%s/bad.yaml", root);
  write_manifest(manifest, state, argv[1], argv[2]);

  CHECK(selfheal_abi_version() == SELFHEAL_ABI_VERSION);
  selfheal_runtime* rt = NULL;
  CHECK(selfheal_open(manifest, SELFHEAL_MODE_FOLLOW, SELFHEAL_ABI_VERSION + 1, &rt) == SELFHEAL_ERR_ABI);
  CHECK(strstr(selfheal_last_error(), "ABI") != NULL);
  CHECK(rt == NULL);

  FILE* f = fopen(bad, "w");
  fputs("version: 1\nsettings:\n  check_interval: often\n", f);
  fclose(f);
  CHECK(selfheal_open(bad, SELFHEAL_MODE_FOLLOW, SELFHEAL_ABI_VERSION, &rt) == SELFHEAL_ERR_MANIFEST);
  CHECK(strstr(selfheal_last_error(), "bad.yaml:3:") != NULL);
  CHECK(selfheal_open(NULL, SELFHEAL_MODE_FOLLOW, SELFHEAL_ABI_VERSION, &rt) == SELFHEAL_ERR_INVALID_ARGUMENT);

  if (selfheal_open(manifest, SELFHEAL_MODE_FOLLOW, SELFHEAL_ABI_VERSION, &rt) != SELFHEAL_OK) {
    fprintf(stderr, "open failed: %s\n", selfheal_last_error());
    return 1;
  }
  CHECK(selfheal_on_change(rt, on_change, &changes_seen) == SELFHEAL_OK);

  selfheal_bloom* bloom = NULL;
  CHECK(selfheal_bloom_get(rt, NULL, &bloom) == SELFHEAL_OK);
  for (int i = 0; i < 100; ++i) {
    char key[32];
    int was_new = 0;
    snprintf(key, sizeof key, "key-%d", i);
    CHECK(selfheal_bloom_insert(bloom, key, strlen(key), &was_new) == SELFHEAL_OK);
    CHECK(was_new == 1);
  }
  int found = 1;
  CHECK(selfheal_bloom_contains(bloom, "absent", 6, &found) == SELFHEAL_OK);
  CHECK(found == 0);
  struct worker workers[2] = {{bloom, 0}, {bloom, 0}};
  pthread_t threads[2];
  for (int i = 0; i < 2; ++i) pthread_create(&threads[i], NULL, contains_loop, &workers[i]);
  for (int i = 0; i < 2; ++i) pthread_join(threads[i], NULL);
  CHECK(workers[0].misses == 0 && workers[1].misses == 0);

  selfheal_window* window = NULL;
  CHECK(selfheal_window_get(rt, "sliding_window", &window) == SELFHEAL_OK);
  static uint8_t pixels[64 * 48 * 3];
  memset(pixels, 90, sizeof pixels);
  selfheal_frame_result r;
  CHECK(selfheal_window_add_frame(window, pixels, sizeof pixels, 64, 48, 3, 0, &r) == SELFHEAL_OK);
  CHECK(r.is_duplicate == 0);
  CHECK(selfheal_window_add_frame(window, pixels, sizeof pixels, 64, 48, 3, 1000, &r) == SELFHEAL_OK);
  CHECK(r.is_duplicate == 1);
  CHECK(selfheal_window_add_frame(window, pixels, sizeof pixels - 1, 64, 48, 3, 0, &r) ==
        SELFHEAL_ERR_INVALID_ARGUMENT);

  selfheal_pool* pool = NULL;
  CHECK(selfheal_pool_get(rt, NULL, &pool) == SELFHEAL_OK);
  selfheal_buffer b;
  CHECK(selfheal_pool_allocate(pool, 4096, &b) == SELFHEAL_OK);
  CHECK(b.data != NULL && b.size >= 4096);
  memset(b.data, 0x5a, b.size);
  CHECK(selfheal_pool_release(pool, &b) == SELFHEAL_OK);
  CHECK(selfheal_pool_release(pool, &b) == SELFHEAL_ERR_INVALID_ARGUMENT);  /* twice */

  selfheal_bloom* none = NULL;
  CHECK(selfheal_bloom_get(rt, "no_such_component", &none) == SELFHEAL_ERR_NOT_FOUND);
  CHECK(none == NULL);
  CHECK(selfheal_serve_http(rt, "127.0.0.1:0", NULL) != SELFHEAL_OK); /* follow: the daemon serves */

  char* json = NULL;
  CHECK(selfheal_status_json(rt, &json) == SELFHEAL_OK);
  CHECK(json && strstr(json, "\"mode\":\"follow\"") != NULL);
  CHECK(json && strstr(json, "\"daemon_running\":false") != NULL);
  CHECK(json && strstr(json, "\"active_implementation\":\"cpp\"") != NULL);
  selfheal_free_string(json);

  /* The handles keep the runtime alive: closing first is allowed. */
  selfheal_close(rt);
  CHECK(selfheal_bloom_contains(bloom, "key-1", 5, &found) == SELFHEAL_OK && found == 1);
  selfheal_bloom_free(bloom);
  selfheal_window_free(window);
  selfheal_pool_free(pool);
  CHECK(access(state, F_OK) != 0); /* a follower never writes the state folder */

  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", root);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
  if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
  else printf("c_abi_test: all checks passed\n");
  return failures ? 1 : 0;
}
