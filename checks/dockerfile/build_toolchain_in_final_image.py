from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import (
    Dockerfile,
    Instruction,
    Stage,
    built_for_development,
    packages_installed,
    runs_a_build,
    shell_commands,
)

CHECK = Check(
    code="DKR005",
    name="build-toolchain-in-final-image",
    title="Final image ships a build toolchain (compilers, -dev packages, SDKs)",
    severity=Severity.MEDIUM,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "Compilers, headers and SDKs are needed to build the application, not to run it. "
        "Left in the final image they add hundreds of megabytes, a long tail of CVEs to "
        "patch, and hand an attacker who gets a shell the tools to build exploits in place. "
        "A multi-stage build compiles in one stage and copies only the result into a slim "
        "runtime stage. Build stages, `Dockerfile.dev`-style images, build-environment images "
        "(whose ENTRYPOINT/CMD is the build, e.g. `build.sh` or `make`, and which expose no port) "
        "and toolchains removed again (`apk del .build-deps`, `apt-get purge`) are not flagged."
    ),
    remediation=(
        "Move the compile step into a build stage (`FROM golang:1.22 AS build`).",
        "Start the final stage from a slim or distroless base and `COPY --from=build` only the artefacts.",
        "If the toolchain must be installed in the same stage, remove it in the same RUN "
        "(`apk add --virtual .build-deps gcc musl-dev && ... && apk del .build-deps`).",
    ),
    effort="4h",
    references=(
        "https://docs.docker.com/build/building/multi-stage/",
        "https://docs.docker.com/build/building/best-practices/#use-multi-stage-builds",
    ),
    peers=(),
)

_EXACT = {
    "gcc", "g++", "gcc-c++", "cpp", "clang", "llvm", "make", "cmake", "ninja-build", "build-essential",
    "build-base", "alpine-sdk", "autoconf", "automake", "libtool", "gfortran", "nasm", "yasm",
    "golang", "golang-go", "go", "rustc", "cargo", "rust", "maven", "gradle", "ant",
    "linux-headers", "kernel-headers", "kernel-devel", "musl-dev", "libc-dev", "libc6-dev",
}
_PATTERN = re.compile(
    r"^(?:.+-dev|.+-devel|gcc-\d[\w.]*|g\+\+-\d[\w.]*|clang-\d[\w.]*|golang-\d[\w.]*|"
    r"openjdk-\d+-jdk(?:-headless)?|dotnet-sdk-[\w.]+|rust-\d[\w.]*)$"
)
#: base images that are themselves a toolchain (repository name -> what it is)
_TOOLCHAIN_BASES = {"golang": "Go SDK", "rust": "Rust toolchain", "gcc": "GCC", "maven": "Maven + JDK",
                    "gradle": "Gradle + JDK", "sdk": ".NET SDK"}


def is_toolchain(package: str) -> bool:
    name = package.lower()
    return name in _EXACT or bool(_PATTERN.match(name))


def _removed_names(script: Instruction) -> set[str]:
    removed: set[str] = set()
    for command in shell_commands(script):
        args = [a for a in command.args if not a.startswith("-")]
        if not args:
            continue
        if command.program in ("apt-get", "apt", "aptitude") and args[0] in ("purge", "remove", "autoremove"):
            removed.update(args[1:])
        elif command.program == "apk" and args[0] in ("del", "delete"):
            removed.update(args[1:])
        elif command.program in ("yum", "dnf", "microdnf", "tdnf", "zypper") and args[0] in ("remove", "erase", "rm", "autoremove"):
            removed.update(args[1:])
    return {re.split(r"[=<>~]", name, maxsplit=1)[0] for name in removed}


@CHECK.on(Dockerfile)
def build_toolchain_in_final_image(dockerfile: Dockerfile) -> Iterator[Finding]:
    if built_for_development(dockerfile.path) or runs_a_build(dockerfile):
        return  # a dev/CI image, or a build environment whose command is the build
    shipped = dockerfile.shipped_stages()
    runs: list[tuple[Stage, Instruction, Instruction]] = []
    for stage in reversed(shipped):  # build order: the chain's root first
        for instr in stage.all("RUN"):
            runs.append((stage, instr, instr))
    final = dockerfile.final
    root = shipped[-1]
    image = root.image
    if image is not None and not image.templated and image.name.lower() in _TOOLCHAIN_BASES:
        if image.name.lower() != "sdk" or "dotnet" in image.repository.lower():
            yield CHECK.finding(
                root.from_instr, resource=final.resource,
                message=f"the final image is built FROM {image.raw}, a full {_TOOLCHAIN_BASES[image.name.lower()]}; "
                        "build in a separate stage and copy the result into a runtime image",
                evidence=f"FROM {root.from_instr.args.strip()}",
            )
    for position, (stage, instr, script) in enumerate(runs):
        later_removed: set[str] = set()
        for _, _, other in runs[position:]:
            later_removed |= _removed_names(other)
        found: list[str] = []
        for install in packages_installed(script):
            if install.virtual and install.virtual in later_removed:
                continue
            for package in install.packages:
                if is_toolchain(package) and package not in later_removed and package not in found:
                    found.append(package)
        if found:
            shown = ", ".join(found[:6]) + (f" (+{len(found) - 6} more)" if len(found) > 6 else "")
            yield CHECK.finding(
                instr, resource=final.resource,
                message=f"stage {stage.label}, which ships in the final image, installs build tools: {shown}",
                evidence=f"installs {shown}",
            )
