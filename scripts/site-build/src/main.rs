//! Builds Keel's front end into the site folder from the wasm that cargo built, as
//! `cargo leptos build --release --split --precompress` with `hash-files` did, without the 11
//! minutes that compiling cargo-leptos cost a fresh machine:
//!
//! 1. splits the wasm by route (`#[lazy_route]` chunks, with the splitter cargo-leptos uses);
//! 2. binds it for the browser (wasm-bindgen, the library of the CLI);
//! 3. optimises every wasm file (`wasm-opt -Oz`, one process per core);
//! 4. bundles the stylesheet (`style/main.css` with its `@import`s inlined);
//! 5. names the main files and the chunks after their content and writes the hash file that the
//!    server and Leptos read (`js: …`, `wasm: …`, `css: …`);
//! 6. copies `public/` and precompresses every file (brotli and gzip).
//!
//! The chunk loader (`__wasm_split.______________________.js`) keeps its fixed name: the main
//! script and the chunks import it, and it imports them, so no name of its own could follow its
//! content. It is served `no-cache`; everything else in `pkg/` is named after its content.
//!
//! Usage: `site-build <input.wasm> <site dir> <style file> <public dir> <hash file>`.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The loader's name as the splitter writes it into the main script and the chunks.
const LOADER: &str = "__wasm_split.______________________.js";
const MANIFEST: &str = "__wasm_split_manifest.json";

fn main() -> Result<()> {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [wasm, site, style, public, hash_file] = args.as_slice() else {
        bail!("usage: site-build <input.wasm> <site dir> <style file> <public dir> <hash file>");
    };
    let pkg = site.join("pkg");
    if site.exists() {
        fs::remove_dir_all(site).with_context(|| format!("emptying {}", site.display()))?;
    }
    fs::create_dir_all(&pkg)?;
    let started = std::time::Instant::now();
    let step = |what: &str| eprintln!("site-build: {what} ({:.1?})", started.elapsed());

    let main_in = wasm.with_file_name("keel_split.wasm");
    let (chunks, manifest) = split(wasm, &pkg, &main_in)?;
    step("split");
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen
        .input_path(&main_in)
        .out_name("keel")
        .web(true)?
        .typescript(false)
        .keep_lld_exports(true)
        .demangle(false)
        .generate(&pkg)
        .context("wasm-bindgen")?;
    fs::rename(pkg.join("keel_bg.wasm"), pkg.join("keel.wasm"))?;
    step("wasm-bindgen");
    let mut wasm_files = chunks.clone();
    wasm_files.push(pkg.join("keel.wasm"));
    optimise(&wasm_files)?;
    step("wasm-opt");
    fs::write(pkg.join("keel.css"), bundle_css(style)?)?;

    let hashes = name_by_content(&pkg, &chunks, manifest)?;
    let mut text = String::new();
    for ext in ["js", "wasm", "css"] {
        text.push_str(&format!("{ext}: {}\n", hashes[ext]));
    }
    if let Some(dir) = hash_file.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(hash_file, text).with_context(|| format!("writing {}", hash_file.display()))?;
    copy_dir(public, site)?;
    step("names and public files");
    precompress(site)?;
    step("precompressed");
    Ok(())
}

/// Each lazy route's chunk files by stem (`{"__audit_route_view_…": ["chunk_8", …]}`), for Leptos
/// to preload a route's chunks with its page.
type Manifest = BTreeMap<String, Vec<String>>;

/// Splits `wasm` into the main module (`main_out`, for wasm-bindgen) and the route chunks and
/// loader in `pkg`; returns the chunks and the manifest.
fn split(wasm: &Path, pkg: &Path, main_out: &Path) -> Result<(Vec<PathBuf>, Manifest)> {
    let input = fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = pkg;
    options.main_out_path = main_out;
    options.main_module = "./keel.js";
    let link_name = format!("./{LOADER}");
    options.link_name = &link_name;
    let out = wasm_split_cli_support::transform(options).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok((out.split_modules, out.prefetch_map.into_iter().collect()))
}

/// `wasm-opt -Oz` on each file, as many at once as there are cores.
fn optimise(files: &[PathBuf]) -> Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // The biggest (the main module) first, so that it does not run alone at the end.
    let mut files: Vec<&PathBuf> = files.iter().collect();
    files.sort_by_key(|f| std::cmp::Reverse(fs::metadata(f).map_or(0, |m| m.len())));
    let queue = std::sync::Mutex::new(files.into_iter());
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..cores)
            .map(|_| {
                s.spawn(|| -> Result<()> {
                    loop {
                        let Some(file) = queue.lock().unwrap().next() else {
                            return Ok(());
                        };
                        let status = Command::new("wasm-opt")
                            .args([
                                "-Oz",
                                "--enable-bulk-memory",
                                "--enable-nontrapping-float-to-int",
                            ])
                            .arg(file)
                            .arg("-o")
                            .arg(file)
                            .status()
                            .context("running wasm-opt (scripts/setup.sh installs it)")?;
                        if !status.success() {
                            bail!("wasm-opt failed on {}", file.display());
                        }
                    }
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| w.join().unwrap())
    })
}

/// The stylesheet with each `@import "file.css";` line replaced by that file (relative to it).
fn bundle_css(path: &Path) -> Result<String> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let imported = line
            .trim()
            .strip_prefix("@import")
            .and_then(|rest| rest.trim().strip_suffix(';'))
            .map(|name| name.trim().trim_matches(|c| c == '"' || c == '\''));
        match imported {
            Some(name) => out.push_str(&bundle_css(&path.with_file_name(name))?),
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

/// A name-safe digest of `bytes`: 22 characters, as long as the loader's placeholder.
fn digest(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&Sha256::digest(bytes)[..16])
}

/// Renames `keel.js`, `keel.wasm`, `keel.css` and the `chunks` to `<stem>.<digest>.<ext>`, and
/// rewrites the references to them (the loader names the chunks and the main script) and writes
/// the manifest with the new names. Returns the digests of the three main files by extension.
fn name_by_content(
    pkg: &Path,
    chunks: &[PathBuf],
    manifest: Manifest,
) -> Result<BTreeMap<&'static str, String>> {
    // The chunks first: the loader's text depends on their names.
    let mut renamed: Vec<(String, String)> = Vec::new();
    for chunk in chunks {
        let stem = chunk
            .file_stem()
            .context("a chunk without a name")?
            .to_string_lossy();
        let new = format!("{stem}.{}", digest(&fs::read(chunk)?));
        fs::rename(chunk, pkg.join(format!("{new}.wasm")))?;
        renamed.push((stem.into_owned(), new));
    }
    // Longest first, so that chunk_1 never replaces inside chunk_10.
    renamed.sort_by_key(|(old, _)| std::cmp::Reverse(old.len()));
    let mut hashes = BTreeMap::new();
    for ext in ["js", "wasm", "css"] {
        let old = format!("keel.{ext}");
        let hash = digest(&fs::read(pkg.join(&old))?);
        fs::rename(pkg.join(&old), pkg.join(format!("keel.{hash}.{ext}")))?;
        hashes.insert(ext, hash);
    }
    let main_js = format!("./keel.{}.js", hashes["js"]);
    if pkg.join(LOADER).exists() {
        let mut loader = fs::read_to_string(pkg.join(LOADER))?.replace("./keel.js", &main_js);
        for (old, new) in &renamed {
            loader = loader.replace(&format!("./{old}.wasm\""), &format!("./{new}.wasm\""));
        }
        fs::write(pkg.join(LOADER), loader)?;
        let stems: BTreeMap<&str, &str> = renamed
            .iter()
            .map(|(o, n)| (o.as_str(), n.as_str()))
            .collect();
        let manifest: Manifest = manifest
            .into_iter()
            .map(|(route, chunks)| {
                let chunks = chunks
                    .iter()
                    .map(|c| stems.get(c.as_str()).map_or(c.clone(), |n| n.to_string()));
                (route, chunks.collect())
            })
            .collect();
        fs::write(pkg.join(MANIFEST), serde_json::to_string(&manifest)?)?;
    }
    Ok(hashes)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Writes `<file>.br` and `<file>.gz` beside every file under `dir`.
fn precompress(dir: &Path) -> Result<()> {
    let paths: Vec<PathBuf> = fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    for path in paths {
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        let data = fs::read(&path)?;
        let with = |ext: &str| {
            let mut name = path.clone().into_os_string();
            name.push(ext);
            PathBuf::from(name)
        };
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&data)?;
        fs::write(with(".gz"), gz.finish()?)?;
        let mut br = Vec::new();
        let params = brotli::enc::BrotliEncoderParams::default();
        brotli::BrotliCompress(&mut data.as_slice(), &mut br, &params)?;
        fs::write(with(".br"), br)?;
    }
    Ok(())
}
