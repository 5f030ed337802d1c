// The status page in a real browser. Starts the real `selfheal serve` on a free loopback port with
// a temporary copy of rust-core (never built), `auto_fix: false` (checks diagnose but do not
// repair) and a bearer token; opens GET / in Debian's chromium (headless, driven by
// playwright-core); checks the page shows the three components on their C++ fallback, that an
// action without the token shows the 401 and asks for it; types the token, clicks "Fix" and waits
// until the page, never reloaded, shows the build and every component on Rust. Saves a screenshot
// to <build dir>/artifacts/status-page.png.
//
//   node status_page_test.js --binary-dir BUILD --plugin-dir BUILD/lib/selfheal --source-dir SRC
// Environment: SELFHEAL_CHROMIUM (default /usr/bin/chromium).
"use strict";

const { spawn } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const COMPONENTS = ["bloom_filter", "sliding_window", "memory_pool"];
const START_TIMEOUT_MS = 60_000;       // the host binds and logs "listening on"
const PAGE_TIMEOUT_MS = 60_000;        // the page shows the host's state
const FIX_TIMEOUT_MS = 420_000;        // cargo builds rust-core (2 shared cores, maybe a sanitizer build)
const SWITCH_TIMEOUT_MS = 120_000;     // the loader probes the artifact and switches each component
const STOP_TIMEOUT_MS = 20_000;

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--") || argv[i + 1] === undefined) throw new Error("bad argument " + argv[i]);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const k of ["binary-dir", "plugin-dir", "source-dir"])
    if (!out[k]) throw new Error("missing --" + k);
  return out;
}

function step(message) { console.log(`[${new Date().toISOString()}] ${message}`); }

// ---- The world: a crate copy, a state folder and a manifest (as tests/framework/http does it).
function makeWorld(sourceDir, pluginDir, token) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "selfheal-browser-"));
  const crate = path.join(root, "crate");
  const source = path.join(sourceDir, "plugins/components/rust-core");
  fs.mkdirSync(crate, { recursive: true });
  for (const f of ["Cargo.toml", "Cargo.lock", "build.rs", "rust_core.h"])
    if (fs.existsSync(path.join(source, f))) fs.copyFileSync(path.join(source, f), path.join(crate, f));
  fs.cpSync(path.join(source, "src"), path.join(crate, "src"), { recursive: true });

  const dashed = (s) => s.replaceAll("_", "-");
  const y = [];
  y.push("version: 1", "settings:",
    `  state_dir: ${path.join(root, "state")}`,
    `  plugin_dir: ${pluginDir}`,
    "  check_interval: 1", "  build_timeout: 300", "  max_retries: 3",
    "  backoff: {base: 0.01, cap: 0.05, reset_after: 1}",
    "  min_free_memory_mb: 0", "  min_free_disk_mb: 0", "  log_level: info",
    "  auto_fix: false",
    `  http: { token: "${token}" }`,
    "crates:", "  - name: rust-core", `    path: ${crate}`,
    "    library: selfheal_rust_core", "    profile: release", "    abi_version: 1",
    "plugins:", "  diagnosers:");
  for (const d of ["missing_rustup", "permission_error", "disk_full", "out_of_memory", "missing_dependencies",
    "build_failed", "not_built", "corrupted_binary", "incompatible_version"]) {
    y.push(`    - name: ${d}`, `      library: issue-${dashed(d)}.so`);
    if (d === "corrupted_binary") y.push("      config: {required_symbols: [selfheal_abi_version, selfheal_build_info]}");
  }
  y.push("  strategies:");
  for (const s of ["build", "clean_build", "install_dependencies", "fix_permissions", "free_memory", "install_rust"])
    y.push(`    - name: ${s}`, `      library: strategy-${dashed(s)}.so`);
  y.push("  components:");
  for (const c of COMPONENTS)
    for (const impl of ["cpp", "rust"])
      y.push(`    - name: ${c}_${impl}`, `      library: component-${dashed(c)}-${impl}.so`);
  y.push("components:");
  for (const c of COMPONENTS)
    y.push(`  ${c}:`, `    implementations: {cpp: ${c}_cpp, rust: ${c}_rust}`, "    prefer: rust");
  y.push("issues:", "  not_built: [build]", "  build_failed: [clean_build]",
    "  missing_dependencies: [install_dependencies, build]", "  incompatible_version: [clean_build]",
    "  corrupted_binary: [clean_build]", "  missing_rustup: [install_rust, build]",
    "  permission_error: [fix_permissions, build]", "  out_of_memory: [free_memory, build]", "  disk_full: []");
  const manifest = path.join(root, "plugins.yaml");
  fs.writeFileSync(manifest, y.join("\n") + "\n");
  return { root, manifest };
}

// ---- The host: `selfheal serve` as a child, its stderr kept, its port read from the log.
class Host {
  constructor(binary, manifest) {
    const args = ["serve", "--config", manifest, "--listen", "127.0.0.1:0"];
    // setpriv --pdeathsig: the host dies with this script even when CTest kills it on a timeout.
    const setpriv = "/usr/bin/setpriv";
    this.child = fs.existsSync(setpriv)
      ? spawn(setpriv, ["--pdeathsig", "KILL", binary, ...args], { stdio: ["ignore", "ignore", "pipe"] })
      : spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
    this.lines = [];
    this.exited = null;
    this.waiters = [];
    let partial = "";
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk) => {
      partial += chunk;
      const parts = partial.split("\n");
      partial = parts.pop();
      this.lines.push(...parts);
      this.wake();
    });
    this.child.on("exit", (code, signal) => {
      this.exited = signal ? "signal " + signal : "exit code " + code;
      this.wake();
    });
  }
  wake() { for (const w of this.waiters.splice(0)) w(); }
  changed(ms) { return new Promise((resolve) => { const t = setTimeout(resolve, ms); this.waiters.push(() => { clearTimeout(t); resolve(); }); }); }

  async port(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    const re = /listening on 127\.0\.0\.1:(\d+)/;
    for (;;) {
      for (const l of this.lines) { const m = re.exec(l); if (m) return Number(m[1]); }
      if (this.exited) throw new Error("selfheal serve ended (" + this.exited + ") before listening");
      if (Date.now() >= deadline) throw new Error("selfheal serve did not log 'listening on' in time");
      await this.changed(deadline - Date.now());
    }
  }

  async stop() {
    if (this.exited || this.child.exitCode !== null) return;
    this.child.kill("SIGTERM");
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (!this.exited && Date.now() < deadline) await this.changed(deadline - Date.now());
    if (!this.exited) {
      this.child.kill("SIGKILL");
      await this.changed(STOP_TIMEOUT_MS);
    }
  }
  tail(n) { return this.lines.slice(-n).join("\n"); }
}

// ---- What the page shows.
function activeImplementations(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll("[data-component]")]
    .map((c) => [c.dataset.component, c.querySelector(".active-impl").dataset.active])));
}
function waitForActive(page, impl, timeout) {
  return page.waitForFunction(([names, want]) => names.every((n) => {
    const badge = document.querySelector(`[data-component="${n}"] .active-impl`);
    return badge && badge.dataset.active === want;
  }), [COMPONENTS, impl], { timeout, polling: 200 });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const artifacts = path.join(args["binary-dir"], "artifacts");
  fs.mkdirSync(artifacts, { recursive: true });
  let chromium;
  try {
    ({ chromium } = require("playwright-core"));
  } catch (e) {
    throw new Error("playwright-core is not installed in tests/browser: run scripts/install-deps.sh " +
      "(it runs `npm ci` there) — " + e.message);
  }
  const executablePath = process.env.SELFHEAL_CHROMIUM || "/usr/bin/chromium";
  if (!fs.existsSync(executablePath))
    throw new Error(executablePath + " is missing: run scripts/install-deps.sh (Debian package chromium)");

  const token = crypto.randomBytes(16).toString("hex");
  const world = makeWorld(args["source-dir"], args["plugin-dir"], token);
  const host = new Host(path.join(args["binary-dir"], "bin/selfheal"), world.manifest);
  const killHost = () => { if (!host.exited) host.child.kill("SIGKILL"); };
  process.on("exit", killHost);
  let browser = null, page = null;
  try {
    const port = await host.port(START_TIMEOUT_MS);
    const base = `http://127.0.0.1:${port}`;
    step("selfheal serve listens on " + base);

    browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    const outside = [], pageErrors = [], cspViolations = [];
    let navigations = 0;
    page.on("request", (r) => { if (!r.url().startsWith(base + "/") && !r.url().startsWith("data:")) outside.push(r.url()); });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("console", (m) => { if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text()); });
    page.on("framenavigated", (f) => { if (f === page.mainFrame()) navigations += 1; });

    const response = await page.goto(base + "/", { waitUntil: "load" });
    if (response.status() !== 200) throw new Error("GET / answered " + response.status());
    if (!/^text\/html/.test(response.headers()["content-type"] || ""))
      throw new Error("GET / is not HTML: " + response.headers()["content-type"]);
    await page.evaluate(() => { window.loadedOnce = "still the first load"; });

    await waitForActive(page, "cpp", PAGE_TIMEOUT_MS);
    step("the page shows every component on cpp: " + JSON.stringify(await activeImplementations(page)));
    await page.waitForFunction(() => document.querySelectorAll("#plugins tbody tr").length >= 20,
      null, { timeout: PAGE_TIMEOUT_MS });
    await page.waitForFunction(() => document.getElementById("health").textContent === "degraded",
      null, { timeout: PAGE_TIMEOUT_MS });
    step("plugins listed: " + await page.locator("#plugins tbody tr").count() + "; health: degraded");

    // Without the token, an action is refused and the page says so where it can be seen.
    await page.click("#action-fix");
    await page.waitForFunction(() => document.getElementById("errors").classList.contains("shown") &&
      /401/.test(document.getElementById("error-list").textContent) &&
      document.getElementById("token-box").classList.contains("needed"), null, { timeout: PAGE_TIMEOUT_MS });
    step("without a token the page shows: " + (await page.textContent("#error-list")).trim());
    const stillCpp = await activeImplementations(page);
    if (Object.values(stillCpp).some((v) => v !== "cpp"))
      throw new Error("a component left cpp before the fix was asked for: " + JSON.stringify(stillCpp));

    await page.locator("#token").pressSequentially(token);
    if (await page.evaluate(() => sessionStorage.getItem("selfheal.token")) !== token)
      throw new Error("the token is not kept in sessionStorage");
    await page.click("#action-fix");
    step("clicked Fix with the token");

    // The page follows the fix: first it shows it (running, or already done if the build was quick).
    await page.waitForSelector("#fix-progress", { timeout: PAGE_TIMEOUT_MS });
    const firstState = await page.getAttribute("#fix-progress", "data-state");
    step("the page shows fix #" + await page.getAttribute("#fix-progress", "data-fix-id") + ", state " + firstState);
    await page.waitForFunction(() => {
      const p = document.getElementById("fix-progress");
      return p && (p.dataset.state === "succeeded" || p.dataset.state === "failed");
    }, null, { timeout: FIX_TIMEOUT_MS, polling: 250 });
    const outcome = await page.textContent("#fix-progress");
    if (await page.getAttribute("#fix-progress", "data-state") !== "succeeded")
      throw new Error("the fix failed: " + outcome);
    if (!/strategy build/.test(outcome)) throw new Error("the fix did not build: " + outcome);
    step("the page shows the fix succeeded: " + outcome.replace(/\s+/g, " ").slice(0, 300));
    await page.waitForSelector('#history tr[data-strategy="build"][data-success="true"]', { timeout: PAGE_TIMEOUT_MS });
    await page.waitForFunction(() => document.querySelector("#last-build time") !== null, null, { timeout: PAGE_TIMEOUT_MS });
    step("history shows the build; last successful build: " + await page.textContent("#last-build"));

    await waitForActive(page, "rust", SWITCH_TIMEOUT_MS);
    step("the page shows every component on rust: " + JSON.stringify(await activeImplementations(page)));
    await page.waitForFunction(() => document.getElementById("health").textContent === "healthy",
      null, { timeout: PAGE_TIMEOUT_MS });

    if (await page.evaluate(() => window.loadedOnce) !== "still the first load" || navigations !== 1)
      throw new Error(`the page was reloaded (${navigations} navigations)`);
    if (outside.length) throw new Error("the page asked for something outside the host: " + outside.join(", "));
    if (pageErrors.length) throw new Error("script errors on the page: " + pageErrors.join("; "));
    if (cspViolations.length) throw new Error("content security policy violations: " + cspViolations.join("; "));

    const shot = path.join(artifacts, "status-page.png");
    await page.screenshot({ path: shot, fullPage: true });
    step("screenshot: " + shot);
    console.log("browser.status_page: 1 passed, 0 failed");
  } catch (e) {
    if (page) {
      const shot = path.join(artifacts, "status-page-failure.png");
      await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
      console.error("screenshot of the failure: " + shot);
    }
    console.error("--- the host's log (last 60 lines) ---\n" + host.tail(60));
    throw e;
  } finally {
    if (browser) await browser.close().catch(() => {});
    await host.stop();
    fs.rmSync(world.root, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => {
  console.error("FAILED: " + (e && e.stack || e));
  process.exit(1);
});
