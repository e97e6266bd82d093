"""Terraform modules as far as the repository shows them statically: who calls a module with
which inputs, which variable files configure a root module, and what an expression is worth.

The Terraform checks ask one question of this module: *for this file, under each way the
repository instantiates its module, what does each resource say?*  :func:`scope` answers it:

* a **module** is a directory: the ``tf:file`` facts of its ``.tf`` files (variables, locals,
  resources, data sources, module calls, outputs);
* its **configurations** (:class:`Config`) are the ways it is instantiated:

  - each in-repository caller (``module "db" { source = "./modules/db" ... }``), with the
    caller's arguments evaluated under each of the caller's own configurations (up to
    :data:`MAX_CALL_DEPTH` levels, :data:`MAX_CONFIGS` configurations);
  - for a root module (a backend, HCP Terraform or provider configuration, variable files, or
    no caller), its variable files: ``terraform.tfvars`` and ``*.auto.tfvars`` always, and
    each other ``.tfvars`` file in its directory or named after it elsewhere
    (``variables/production/rds.tfvars`` for ``deployments/rds``, when the module declares
    what the file sets), layered over files named ``common``/``global``/``shared`` beside it;
  - a module nobody in the repository deploys (a published module, or one only its examples
    call) is also judged on its **defaults** (``Config.deployment`` False): what it does for
    a caller who sets nothing.

* an **evaluator** (:class:`Evaluator`) gives each expression its value under one
  configuration: literals, ``var.x`` (the configuration's input, else the variable's
  default, applying ``optional()`` defaults of its type), ``local.x``, string templates,
  collections, conditionals, operators, ``for`` expressions over known collections and the
  common functions (``jsonencode``, ``merge``, ``concat``, ``lookup``, ``try``, ``coalesce``,
  ``format``...).  ``count``, ``for_each`` and ``dynamic`` blocks are expanded when their
  collections are known.  What is not known statically (resource attributes, data sources,
  module outputs, ``file()``) is an :class:`Unknown`: checks never report on an unknown value.

Which configurations are production is decided from where they come from (the variable file
or caller's path, the module's directory): the file-context conventions of ``context.py``
(``examples/``, ``tests/``...) and the deployment-stage words Terraform layouts use
(``staging``, ``integration``, ``dev``, ``sandbox``...), see :func:`environment_of`.

Every read goes through the repository index (``file_facts`` per file, a directory layout
rebuilt only when Terraform files appear or vanish, a callers table rebuilt only when module
sources change), so the engine re-runs a file's checks exactly when something it read changed.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .base import FileKind
from .hcl import Attr, Block, Expr
from .terraform import TERRAFORM, dir_of, is_auto_vars, is_lock_file, is_vars_file
from .topics import TF_FILE, TF_MODULE_CALL, TF_TERRAGRUNT, TF_VAR, TfFileData

#: module calls followed upwards from a module to the roots that deploy it
MAX_CALL_DEPTH = 4
#: configurations judged per module
MAX_CONFIGS = 12
#: instances of one resource (for_each items) judged per configuration
MAX_INSTANCES = 40
#: evaluation depth (nested locals, expressions)
MAX_EVAL_DEPTH = 60
#: items a ``for`` expression is evaluated over (more: unknown), and over all of one evaluator's
#: ``for`` expressions (nested ones multiply)
MAX_FOR_ITEMS = 500
MAX_FOR_BUDGET = 5000


# ============================================================================ values

class Unknown:
    """A value the repository does not fix statically (``why`` says what it depends on)."""

    __slots__ = ("why",)

    def __init__(self, why: str = "") -> None:
        self.why = why

    def __bool__(self) -> bool:  # never mistaken for a real value in a test
        return False

    def __repr__(self) -> str:
        return f"Unknown({self.why!r})"


UNKNOWN = Unknown()


class Partial(Unknown):
    """A list or map not fully known that certainly holds ``value``'s items (or entries):
    ``concat(local.base_rules, var.web ? local.web_rules : [])`` holds the base rules whatever
    ``var.web`` is.  It is an :class:`Unknown` to every check (never complete, never a value);
    only ``for`` expressions, ``concat``/``merge``/``values``/``lookup`` and the expansion of
    ``for_each``/``dynamic`` collections (the certain items, then one unknown instance for the
    rest) read what is certain."""

    __slots__ = ("value",)

    def __init__(self, value: list | dict, why: str = "") -> None:
        super().__init__(why)
        self.value = value

    def __repr__(self) -> str:
        return f"Partial({self.value!r}, {self.why!r})"


def certain(value: Any) -> Any:
    """A list or map with its certain items: itself when known, a :class:`Partial`'s known part,
    None for anything else."""
    if isinstance(value, Partial):
        return value.value
    if isinstance(value, (list, tuple, dict)):
        return value
    return None


class Encoded:
    """``jsonencode(x)``/``yamlencode(x)``: the document ``x``, as far as it is known (its
    leaves may be :class:`Unknown`, as ``"${aws_s3_bucket.b.arn}/*"`` in a policy is)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Encoded({self.value!r})"


def known(value: Any) -> bool:
    return not isinstance(value, Unknown)


def fully_known(value: Any, depth: int = 0) -> bool:
    if isinstance(value, Unknown) or depth > 40:
        return False
    if isinstance(value, dict):
        return all(fully_known(v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(fully_known(v, depth + 1) for v in value)
    if isinstance(value, Encoded):
        return fully_known(value.value, depth + 1)
    return True


def as_bool(value: Any) -> bool | None:
    """True/False for a known boolean (``"true"`` strings too, as Terraform converts), else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return float(value) if "." in value else int(value)
        except ValueError:
            return None
    return None


def as_list(value: Any) -> list | None:
    """A known list (a single string is a list of one); None when unknown."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str):
        return [value]
    return None


def document(value: Any) -> Any:
    """A JSON document from an evaluated attribute: ``jsonencode(...)`` or a JSON string (a
    heredoc, a literal).  :class:`Unknown` when it is neither."""
    if isinstance(value, Encoded):
        return value.value
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in "{[":
            try:
                return json.loads(text)
            except ValueError:
                return Unknown("not valid JSON")
    return Unknown("not a document")


# ============================================================================ environments

#: deployment stages that are production, and those that are not (Terraform layouts name them
#: in folders, workspaces, variable files and module instances)
PRODUCTION_WORDS = frozenset({"prod", "production", "prd", "live", "prod1", "prod2"})
NON_PRODUCTION_WORDS = frozenset({
    "staging", "stage", "stg", "integration", "int", "dev", "development", "develop", "test", "tests", "testing",
    "qa", "uat", "sandbox", "sbx", "preview", "demo", "ephemeral", "eph", "nonprod", "non-prod",
    "lab", "playground", "example", "examples", "sample", "samples", "tmp", "temp", "experimental", "poc",
})
_SPLIT = re.compile(r"[/._\-\s]+")


@dataclass(frozen=True)
class Environment:
    """Whether a configuration is production, and the word that says so."""

    production: bool
    name: str = ""
    reason: str = ""


@lru_cache(maxsize=8192)
def environment_of(path: str) -> Environment:
    """The environment a path (a variable file, a caller, a module directory) belongs to.

    The file-context conventions of ``context.py`` first (an ``examples/`` or ``tests/``
    folder is never production), then deployment-stage words in its folders and name; a
    path that says nothing is production, as for any file.
    """
    from .. import context as contexts

    convention = contexts.by_convention(path if "." in posixpath.basename(path) else path + "/x.tf")
    if not convention.production:
        return Environment(False, convention.context.value, convention.reason)
    words = [w for w in _SPLIT.split(path.lower()) if w]
    for word in reversed(words):  # the nearest word decides (envs/prod/modules/dev-db...)
        if word in PRODUCTION_WORDS:
            return Environment(True, word, f"{path} says {word!r}")
        if word in NON_PRODUCTION_WORDS:
            return Environment(False, word, f"{path} says {word!r}")
    return Environment(True, "", "")


def words_environment(text: str) -> Environment | None:
    """The environment a name or tag value says (``orders-staging``, ``dev``), or None."""
    words = [w for w in _SPLIT.split(str(text).lower()) if w]
    for word in words:
        if word in NON_PRODUCTION_WORDS:
            return Environment(False, word, f"named {text!r}")
    for word in words:
        if word in PRODUCTION_WORDS:
            return Environment(True, word, f"named {text!r}")
    return None


# ============================================================================ the repository layout

@dataclass(frozen=True)
class Layout:
    """Where Terraform files are: ``.tf`` files by directory, variable files by directory and stem."""

    tf_by_dir: dict
    vars_by_dir: dict
    vars_by_stem: dict
    #: directories with a committed dependency lock file
    locks: frozenset = frozenset()


def _build_layout(index) -> Layout:
    tf_by_dir: dict[str, list[str]] = {}
    vars_by_dir: dict[str, list[str]] = {}
    vars_by_stem: dict[str, list[str]] = {}
    locks: set[str] = set()
    for path in index.files(TERRAFORM):
        directory = dir_of(path)
        if is_lock_file(path):
            locks.add(directory)
        elif is_vars_file(path):
            vars_by_dir.setdefault(directory, []).append(path)
            if not is_auto_vars(path):
                stem = posixpath.basename(path)[:-len(".tfvars")].lower()
                vars_by_stem.setdefault(stem, []).append(path)
        else:
            tf_by_dir.setdefault(directory, []).append(path)
    return Layout(tf_by_dir, vars_by_dir, vars_by_stem, frozenset(locks))


def layout(index) -> Layout:
    """Rebuilt only when a Terraform file appears, vanishes or changes kind."""
    return index.derived("tf:layout", (f"kind:{TERRAFORM.value}",), _build_layout)


def has_lock_file(index, path: str) -> bool:
    """Does the directory of ``path`` commit a ``.terraform.lock.hcl``?"""
    return dir_of(path) in layout(index).locks


def _build_callers(index) -> dict:
    callers: dict[str, list[tuple[str, str]]] = {}
    for path, fact in index.facts(TF_MODULE_CALL):
        target = fact.data.target
        if target is not None:
            callers.setdefault(target, []).append((path.split("#", 1)[0] if "#" in path else path, fact.data.name))
    return callers


def _build_terragrunt(index) -> dict:
    units: dict[str, list[str]] = {}
    for path, fact in index.facts(TF_TERRAGRUNT):
        if fact.data.target is not None:
            units.setdefault(fact.data.target, []).append(path)
    return {target: sorted(paths) for target, paths in units.items()}


def terragrunt_units(index, directory: str) -> list[str]:
    """The ``terragrunt.hcl`` files whose ``terraform.source`` is ``directory`` (their inputs are not read)."""
    table = index.derived("tf:terragrunt", (str(TF_TERRAGRUNT),), _build_terragrunt)
    return table.get(directory, [])


def callers_of(index, directory: str) -> list[tuple[str, str]]:
    """(caller file, module name) of every in-repository ``module`` block whose source is ``directory``."""
    table = index.derived("tf:callers", (str(TF_MODULE_CALL),), _build_callers)
    return table.get(directory, [])


# ============================================================================ modules

@dataclass
class Module:
    """One directory's Terraform configuration (its ``.tf`` files)."""

    dir: str
    files: list[tuple[str, TfFileData]] = field(default_factory=list)
    variables: dict[str, tuple[str, Block]] = field(default_factory=dict)
    locals: dict[str, tuple[str, Attr]] = field(default_factory=dict)
    resources: list[tuple[str, Block]] = field(default_factory=list)
    data: dict[tuple[str, str], tuple[str, Block]] = field(default_factory=dict)
    calls: dict[str, tuple[str, Block]] = field(default_factory=dict)
    outputs: list[tuple[str, Block]] = field(default_factory=list)
    terraform: list[tuple[str, Block]] = field(default_factory=list)
    providers: list[tuple[str, Block]] = field(default_factory=list)
    root: bool = False

    def resource(self, type_: str, name: str) -> tuple[str, Block] | None:
        for path, block in self.resources:
            if block.labels[0] == type_ and block.labels[1] == name:
                return path, block
        return None

    def resources_of(self, *types: str) -> list[tuple[str, Block]]:
        return [(p, b) for p, b in self.resources if b.labels[0] in types]


def _file_data(index, path: str) -> TfFileData | None:
    for fact in index.file_facts(path):
        if fact.topic == TF_FILE:
            return fact.data
    return None


#: modules built from the same file records are the same module: a small memo keyed by the
#: records' identities (each entry keeps its records alive, so an id is never reused under it)
_MODULE_MEMO: dict[tuple, Module] = {}
_MODULE_MEMO_SIZE = 512


def load_module(index, directory: str) -> Module:
    """The module of a directory, read through the index (every file's facts are read, so the
    engine knows what a check depends on); built once per set of file records."""
    files = []
    for path in layout(index).tf_by_dir.get(directory, ()):
        data = _file_data(index, path)
        if data is not None:
            files.append((path, data))
    key = (directory, tuple((path, id(data)) for path, data in files))
    found = _MODULE_MEMO.get(key)
    if found is not None:
        return found
    module = _build_module(directory, files)
    if len(_MODULE_MEMO) >= _MODULE_MEMO_SIZE:
        _MODULE_MEMO.pop(next(iter(_MODULE_MEMO)))
    _MODULE_MEMO[key] = module
    return module


def _build_module(directory: str, files: list) -> Module:
    module = Module(directory)
    for path, data in files:
        module.files.append((path, data))
        module.root = module.root or bool(data.root)
        for block in data.blocks or ():
            kind = block.type
            labels = block.labels
            if kind == "resource" and len(labels) >= 2:
                module.resources.append((path, block))
            elif kind == "data" and len(labels) >= 2:
                module.data[(labels[0], labels[1])] = (path, block)
            elif kind == "variable" and labels:
                module.variables[labels[0]] = (path, block)
            elif kind == "locals":
                for attr in block.attrs:
                    module.locals[attr.name] = (path, attr)
            elif kind == "module" and labels:
                module.calls[labels[0]] = (path, block)
            elif kind == "output" and labels:
                module.outputs.append((path, block))
            elif kind == "terraform":
                module.terraform.append((path, block))
            elif kind == "provider":
                module.providers.append((path, block))
    return module


# ============================================================================ configurations

@dataclass
class Config:
    """One way a module is instantiated."""

    label: str
    #: variable name -> thunk giving its value (from a caller's argument or a variable file)
    inputs: dict[str, Callable[[], Any]] = field(default_factory=dict)
    #: variable name -> (path, line) where its value is written (asked lazily: a read of the value)
    where: dict[str, Callable[[], tuple[str, int]]] = field(default_factory=dict)
    environment: Environment = field(default_factory=lambda: Environment(True))
    #: a real instantiation (False: the module's defaults, for callers the repository does not show)
    deployment: bool = True
    #: terragrunt.hcl files that deploy the module with inputs auditui does not read (the
    #: defaults stand in for them)
    unread_callers: tuple[str, ...] = ()

    @property
    def production(self) -> bool:
        return self.deployment and self.environment.production


def _vars_names(index, path: str) -> list[str]:
    """The names a variable file sets (read apart from their values: see :func:`_vars_attr`)."""
    return [key.rsplit("#", 1)[1] for key in index.keys_in(TF_VAR, path)]


def _vars_attr(index, path: str, name: str) -> Attr | None:
    """The value a variable file gives ``name``: each value is read on its own, so a check is
    re-run when a value it used changes, not on every edit of the file (issue 9: a save of a
    variable file used to re-judge every module of every root it configures)."""
    for fact in index.fact_in(TF_VAR, path, f"{path}#{name}"):
        return fact.data.attr
    return None


_COMMON_STEMS = ("common", "global", "shared", "all", "defaults", "default", "globals")


def _vars_config(index, module: Module, files: list[str], label: str, environment: Environment) -> Config:
    config = Config(label, environment=environment)
    constants = Evaluator(Module(module.dir), Config("constants"), index, depth=MAX_CALL_DEPTH)
    for path in files:
        for name in _vars_names(index, path):
            config.inputs[name] = _vars_thunk(constants, path, name)
            config.where[name] = _vars_where(index, path, name)
    return config


def _vars_thunk(evaluator: Evaluator, path: str, name: str) -> Callable[[], Any]:
    cache: list[Any] = []

    def get() -> Any:
        if not cache:
            attr = _vars_attr(evaluator.index, path, name)
            cache.append(evaluator.eval(attr.expr, {}) if attr is not None else Unknown(f"var.{name}"))
        return cache[0]

    return get


def _vars_where(index, path: str, name: str) -> Callable[[], tuple[str, int]]:
    def get() -> tuple[str, int]:
        attr = _vars_attr(index, path, name)
        return path, attr.line if attr is not None else 1

    return get


def _thunk(evaluator: Evaluator, expr: Expr, bindings: dict | None = None) -> Callable[[], Any]:
    cache: list[Any] = []

    def get() -> Any:
        if not cache:
            cache.append(evaluator.eval(expr, bindings or {}))
        return cache[0]

    return get


def _declares(module: Module, values: list[str]) -> bool:
    """Does the module declare (most of) what a variable file sets?"""
    if not values:
        return False
    declared = sum(1 for name in values if name in module.variables)
    return declared >= max(1, (len(values) * 4 + 4) // 5)


def configurations(index, module: Module, depth: int = 0, seen: frozenset[str] = frozenset()) -> list[Config]:
    """Every way the repository instantiates ``module`` (see the module docstring)."""
    if depth > MAX_CALL_DEPTH or module.dir in seen:
        return [Config(f"{module.dir} (called too deep to follow)", deployment=False)]
    seen = seen | {module.dir}
    configs: list[Config] = []
    for caller_path, name in sorted(callers_of(index, module.dir)):
        caller_dir = dir_of(caller_path)
        caller_module = load_module(index, caller_dir)
        call = caller_module.calls.get(name)
        if call is None or call[0] != caller_path:
            continue
        for parent in configurations(index, caller_module, depth + 1, seen):
            if len(configs) >= MAX_CONFIGS:
                break
            configs.append(_caller_config(index, caller_module, call[1], caller_path, parent, depth))
    called_for_real = any(c.deployment and c.environment.production for c in configs)
    units = tuple(terragrunt_units(index, module.dir))
    vars_layout = layout(index)
    local_vars = vars_layout.vars_by_dir.get(module.dir, [])
    auto = sorted(p for p in local_vars if is_auto_vars(p))
    explicit = sorted(p for p in local_vars if not is_auto_vars(p))
    stem = posixpath.basename(module.dir).lower() if module.dir != "." else ""
    if stem and not configs:
        for path in vars_layout.vars_by_stem.get(stem, ()):
            if dir_of(path) != module.dir and _declares(module, _vars_names(index, path)):
                explicit.append(path)
    root = module.root or bool(local_vars) or bool(explicit) or not configs
    if root and not configs:
        for path in explicit[:MAX_CONFIGS]:
            folder = dir_of(path)
            common = sorted(p for p in vars_layout.vars_by_dir.get(folder, ())
                            if posixpath.basename(p)[:-len(".tfvars")].lower() in _COMMON_STEMS and p != path)
            configs.append(_vars_config(index, module, common + auto + [path], path, environment_of(path)))
        if not explicit:
            # a directory nothing calls is applied as it is, unless it is a module kept for others
            # (under a modules/ folder) or one Terragrunt deploys with inputs not read here: then
            # only its defaults can be judged
            deployed = (module.root or bool(auto) or not _module_folder(module.dir)) and not units
            label = ", ".join(auto) if auto else (f"{module.dir}" if deployed else f"the defaults of module {module.dir}")
            configs.append(_vars_config(index, module, auto, label, environment_of(module.dir)))
            configs[-1].deployment = deployed
    elif not called_for_real and not module.root:
        # only examples or tests call it: it is published, judged on its defaults too
        configs.append(Config(f"the defaults of module {module.dir}", deployment=False,
                              environment=environment_of(module.dir)))
    configs = configs[:MAX_CONFIGS] or [Config(f"the defaults of module {module.dir}", deployment=False)]
    for config in configs:
        if not config.deployment:
            config.unread_callers = units
    return configs


_MODULE_FOLDERS = frozenset({"modules", "module", "shared-modules", "terraform-modules", "tf-modules"})


def _module_folder(directory: str) -> bool:
    return any(part.lower() in _MODULE_FOLDERS for part in directory.split("/"))


def _fixed(path: str, line: int) -> Callable[[], tuple[str, int]]:
    return lambda: (path, line)


def _caller_config(index, caller_module: Module, call: Block, caller_path: str, parent: Config, depth: int) -> Config:
    evaluator = Evaluator(caller_module, parent, index, depth=depth + 1)
    label = f"module.{call.label} in {caller_path}"
    if parent.label and not parent.label.startswith("the defaults") and parent.deployment \
            and parent.label not in (caller_path, caller_module.dir):
        label += f" ({parent.label})"
    own = environment_of(caller_path)
    environment = parent.environment if not parent.environment.production else own
    name_env = words_environment(call.label)
    if environment.production and name_env is not None and not name_env.production:
        environment = name_env
    config = Config(label, environment=environment, deployment=parent.deployment)
    meta = {"source", "version", "count", "for_each", "providers", "depends_on"}
    for attr in call.attrs:
        if attr.name in meta:
            continue
        config.inputs[attr.name] = _thunk(evaluator, attr.expr)
        config.where[attr.name] = _fixed(caller_path, attr.line)
    return config


# ============================================================================ evaluation

_INDEXABLE = (dict, list, tuple)


class Evaluator:
    """Values of expressions in one module under one configuration."""

    def __init__(self, module: Module, config: Config, index=None, depth: int = 0) -> None:
        self.module = module
        self.config = config
        self.index = index
        self.depth = depth
        self._vars: dict[str, Any] = {}
        self._locals: dict[str, Any] = {}
        self._busy: set[str] = set()
        self._for_budget = MAX_FOR_BUDGET

    # -- references ---------------------------------------------------------------------
    def var(self, name: str) -> Any:
        if name in self._vars:
            return self._vars[name]
        value: Any
        declared = self.module.variables.get(name)
        given = self.config.inputs.get(name)
        if given is not None:
            value = given()
        elif declared is not None and declared[1].has("default"):
            value = self.eval(declared[1].attr("default").expr, {})  # type: ignore[union-attr]
        elif declared is not None:
            value = Unknown(f"var.{name} has no default and {self.config.label} does not set it")
        else:
            value = Unknown(f"var.{name} is not declared in {self.module.dir}")
        if declared is not None and known(value):
            type_attr = declared[1].attr("type")
            if type_attr is not None:
                value = apply_type(value, type_attr.expr)
        self._vars[name] = value
        return value

    def local(self, name: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        found = self.module.locals.get(name)
        if found is None or name in self._busy:
            return Unknown(f"local.{name}")
        self._busy.add(name)
        try:
            value = self.eval(found[1].expr, {})
        finally:
            self._busy.discard(name)
        self._locals[name] = value
        return value

    def where(self, expr: Expr) -> list[str]:
        """Where the variables an expression reads get their values, for messages."""
        out: list[str] = []
        for path in expr.references():
            if len(path) >= 2 and path[0] == "var" and isinstance(path[1], str):
                found = self._var_origin(path[1])
                if found:
                    out.append(found)
        return list(dict.fromkeys(out))

    def origin_of(self, value: Any) -> list[str]:
        """Where a list or map came from when it is a variable's value passed on unchanged
        (through locals, ``concat``, ``for`` expressions, ``lookup``, ``dynamic`` blocks): the
        variables evaluated so far whose value is this very object."""
        if not isinstance(value, (list, dict)):
            return []
        out = [self._var_origin(name) for name, held in self._vars.items() if held is value]
        return [o for o in out if o]

    def _var_origin(self, name: str) -> str:
        if name in self.config.where:
            file, line = self.config.where[name]()
            return f"var.{name} set in {file}:{line}"
        if name in self.module.variables:
            file, block = self.module.variables[name]
            default = block.attr("default")
            if default is not None:
                return f"var.{name} defaults to it in {file}:{default.line}"
        return ""

    # -- expressions --------------------------------------------------------------------
    def eval(self, expr: Expr, bindings: dict, depth: int = 0) -> Any:
        if depth > MAX_EVAL_DEPTH:
            return Unknown("nested too deeply")
        kind = expr.kind
        if kind == "lit":
            return expr.value
        if kind == "tpl":
            out: list[str] = []
            for part in expr.parts:
                if isinstance(part, str):
                    out.append(part)
                    continue
                value = self.eval(part, bindings, depth + 1)
                if not known(value) or isinstance(value, (dict, list, Encoded)):
                    return Unknown(value.why if isinstance(value, Unknown) else "a template of a collection")
                out.append(_to_string(value))
            return "".join(out)
        if kind == "ref":
            return self.reference(expr.value, bindings)
        if kind == "tuple":
            items: list[Any] = []
            for part in expr.parts:
                items.append(self.eval(part, bindings, depth + 1))
            return items
        if kind == "object":
            obj: dict[str, Any] = {}
            for key_expr, value_expr in expr.parts:
                key = self.eval(key_expr, bindings, depth + 1)
                if not known(key) or isinstance(key, (dict, list, Encoded)):
                    return Unknown("an object key that is not known")
                obj[_to_string(key)] = self.eval(value_expr, bindings, depth + 1)
            return obj
        if kind == "cond":
            cond = as_bool(self.eval(expr.parts[0], bindings, depth + 1))
            if cond is None:
                yes = self.eval(expr.parts[1], bindings, depth + 1)
                no = self.eval(expr.parts[2], bindings, depth + 1)
                if known(yes) and known(no) and type(yes) is type(no) and yes == no:
                    return yes
                return Unknown("a condition that is not known")
            return self.eval(expr.parts[1] if cond else expr.parts[2], bindings, depth + 1)
        if kind == "op":
            return self.operation(expr, bindings, depth)
        if kind == "call":
            return self.call(expr, bindings, depth)
        if kind == "get":
            base = self.eval(expr.parts[0], bindings, depth + 1)
            return traverse(base, expr.value)
        if kind == "for":
            return self.for_expr(expr, bindings, depth)
        return Unknown("an expression auditui does not evaluate")

    def for_expr(self, expr: Expr, bindings: dict, depth: int) -> Any:
        """``[for k, v in coll : ...]`` / ``{for ... : key => value...}`` over a known collection
        (a map in key order, as Terraform iterates it); unknown when the collection, a condition
        or a key is not known, or when keys collide without ``...``."""
        names, shape, grouped = expr.value
        source, key_expr, value_expr, cond_expr = expr.parts
        collection = self.eval(source, bindings, depth + 1)
        partial = isinstance(collection, Partial)
        items_of = certain(collection)
        if isinstance(items_of, dict):
            pairs = [(k, items_of[k]) for k in sorted(items_of)]
        elif isinstance(items_of, (list, tuple)):
            # the index of an item of a partial list is not known
            pairs = [(Unknown("an index in a list not fully known") if partial else i, v) for i, v in enumerate(items_of)]
        else:
            return Unknown(collection.why if isinstance(collection, Unknown) else "a for over a value that is not known")
        if len(pairs) > min(MAX_FOR_ITEMS, self._for_budget):
            return Unknown("a for over too many items")
        self._for_budget -= len(pairs)
        items: list[Any] = []
        obj: dict[str, Any] = {}
        for key, value in pairs:
            inner = {**bindings, names[-1]: value}
            if len(names) == 2:
                inner[names[0]] = key
            if cond_expr is not None:
                keep = as_bool(self.eval(cond_expr, inner, depth + 1))
                if keep is None:  # this item may or may not be in the result
                    partial = True
                    continue
                if not keep:
                    continue
            result = self.eval(value_expr, inner, depth + 1)
            if shape == "tuple":
                items.append(result)
                continue
            name = self.eval(key_expr, inner, depth + 1)
            if not known(name) or isinstance(name, (dict, list, Encoded)):
                partial = True  # an entry under a key that is not known
                continue
            name = _to_string(name)
            if grouped:
                obj.setdefault(name, []).append(result)
            elif name in obj:
                return Unknown("a for with duplicate keys")
            else:
                obj[name] = result
        if grouped and partial:
            return Partial({}, "a grouped for over a collection not fully known")  # a group may miss items
        result_value: list | dict = items if shape == "tuple" else obj
        return Partial(result_value, "a for over a collection not fully known") if partial else result_value

    def reference(self, path: tuple, bindings: dict) -> Any:
        head = path[0] if path else None
        if head in bindings:
            return traverse(bindings[head], path[1:])
        if head == "var" and len(path) >= 2 and isinstance(path[1], str):
            return traverse(self.var(path[1]), path[2:])
        if head == "local" and len(path) >= 2 and isinstance(path[1], str):
            return traverse(self.local(path[1]), path[2:])
        if head in ("each", "count", "self"):
            return Unknown(f"{head}.* outside its block")
        if head == "terraform" and path[1:2] == ("workspace",):
            return Unknown("terraform.workspace")
        return Unknown(".".join(str(p) for p in path))

    def operation(self, expr: Expr, bindings: dict, depth: int) -> Any:
        op = expr.value
        values = [self.eval(part, bindings, depth + 1) for part in expr.parts]
        if len(values) == 1:
            value = values[0]
            if op == "!":
                flag = as_bool(value)
                return Unknown("negation of an unknown") if flag is None else not flag
            if op == "-":
                number = as_number(value)
                return Unknown("negation of an unknown") if number is None else -number
            return Unknown(op)
        left, right = values
        if op in ("&&", "||"):
            p, q = as_bool(left), as_bool(right)
            if op == "&&":
                if p is False or q is False:
                    return False
                return True if p and q else Unknown("a condition that is not known")
            if p is True or q is True:
                return True
            return False if p is False and q is False else Unknown("a condition that is not known")
        if not (known(left) and known(right)):
            return Unknown("an operand that is not known")
        if op in ("==", "!="):
            if not (fully_known(left) and fully_known(right)):
                return Unknown("an operand that is not known")
            equal = _normalize(left) == _normalize(right)
            return equal if op == "==" else not equal
        a, b = as_number(left), as_number(right)
        if a is None or b is None:
            return Unknown("arithmetic on something that is not a number")
        try:
            if op == "<":
                return a < b
            if op == ">":
                return a > b
            if op == "<=":
                return a <= b
            if op == ">=":
                return a >= b
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            if op == "/":
                return a / b
            if op == "%":
                return a % b
        except (ZeroDivisionError, OverflowError):
            return Unknown("arithmetic error")
        return Unknown(op)

    def call(self, expr: Expr, bindings: dict, depth: int) -> Any:
        name = str(expr.value)
        function = FUNCTIONS.get(name)
        if function is None:
            return Unknown(f"{name}()")
        if name in ("try", "can"):  # arguments that fail are skipped, not errors
            for part in expr.parts:
                value = self.eval(part, bindings, depth + 1)
                if name == "can":
                    return Unknown("can()")
                if known(value):
                    return value
            return Unknown("try() of unknowns")
        args = [self.eval(part, bindings, depth + 1) for part in expr.parts]
        if expr.expand and args:
            last = args.pop()
            if not isinstance(last, (list, tuple)):
                return Unknown("an expanded argument that is not known")
            args.extend(last)
        try:
            return function(*args)
        except Exception:  # a function given values it does not take: unknown, never an error
            return Unknown(f"{name}() of these arguments")


def _normalize(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_normalize(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalize(v) for k, v in value.items()}
    return value


def _to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value)


def traverse(value: Any, path: tuple) -> Any:
    for step in path:
        if not known(value):
            return value
        if step is None or step == "*":
            return Unknown("an index that is not known")
        if isinstance(value, dict):
            key = _to_string(step) if not isinstance(step, str) else step
            if key not in value:
                return Unknown(f"no {key!r} in the value")
            value = value[key]
        elif isinstance(value, (list, tuple)):
            if isinstance(step, str) and step.isdigit():
                step = int(step)
            if not isinstance(step, int) or isinstance(step, bool) or not -len(value) <= step < len(value):
                return Unknown("an index out of range")
            value = value[step]
        else:
            return Unknown("an attribute of a value that is not an object")
    return value


# -- optional() defaults of variable types ---------------------------------------------------

def apply_type(value: Any, type_expr: Expr, depth: int = 0) -> Any:
    """A variable's value with the attributes its type declares ``optional()`` filled in
    (``optional(number)`` is null, ``optional(bool, true)`` is true), as Terraform does."""
    if depth > 20 or not known(value) or type_expr.kind != "call":
        return value
    name = type_expr.value
    args = type_expr.parts
    if name in ("map", "list", "set") and len(args) == 1:
        if isinstance(value, dict) and name == "map":
            return {k: apply_type(v, args[0], depth + 1) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [apply_type(v, args[0], depth + 1) for v in value]
        return value
    if name == "object" and len(args) == 1 and args[0].kind == "object" and isinstance(value, dict):
        out = dict(value)
        constants = Evaluator(Module("."), Config("constants"))
        for key_expr, attr_type in args[0].parts:
            if key_expr.kind != "lit" or not isinstance(key_expr.value, str):
                continue
            key = key_expr.value
            inner_type = attr_type
            if attr_type.kind == "call" and attr_type.value == "optional" and attr_type.parts:
                inner_type = attr_type.parts[0]
                if key not in out or out[key] is None:
                    out[key] = constants.eval(attr_type.parts[1], {}) if len(attr_type.parts) > 1 else None
            if key in out:
                out[key] = apply_type(out[key], inner_type, depth + 1)
        return out
    return value


# -- functions --------------------------------------------------------------------------------

def _need(*values: Any) -> None:
    for value in values:
        if not fully_known(value):
            raise ValueError("unknown argument")


def _jsonencode(value: Any) -> Encoded:
    return Encoded(value)


def _jsondecode(value: Any) -> Any:
    _need(value)
    return json.loads(value)


def _merge(*maps: Any) -> Any:
    out: dict = {}
    partial = False
    for item in maps:
        if item is None:
            continue
        if isinstance(item, dict):
            out.update(item)
            continue
        if not isinstance(item, Unknown):
            raise ValueError("merge of a value that is not a map")
        # a map not fully known may replace any entry before it: keep only what it certainly holds
        partial = True
        out = dict(certain(item) or {}) if isinstance(certain(item), dict) else {}
    return Partial(out, "a merge of a map not fully known") if partial else out


def _concat(*lists: Any) -> Any:
    out: list = []
    partial = False
    for item in lists:
        if isinstance(item, (list, tuple)):
            out.extend(item)
        elif isinstance(item, Unknown):
            partial = True  # holds at least what is certain in it
            found = certain(item)
            out.extend(found if isinstance(found, (list, tuple)) else ())
        else:
            raise ValueError("concat of a value that is not a list")
    return Partial(out, "a concat of a list not fully known") if partial else out


def _values(mapping: Any) -> Any:
    if isinstance(mapping, dict):
        return [mapping[k] for k in sorted(mapping)]
    if isinstance(mapping, Partial) and isinstance(mapping.value, dict):
        return Partial([mapping.value[k] for k in sorted(mapping.value)], "the values of a map not fully known")
    raise ValueError("unknown")


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if isinstance(mapping, Partial) and isinstance(mapping.value, dict) and known(key) \
            and _to_string(key) in mapping.value:
        return mapping.value[_to_string(key)]
    if not isinstance(mapping, dict) or not known(key):
        raise ValueError("lookup in a value that is not known")
    key = _to_string(key)
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise ValueError("missing key")


def _coalesce(*values: Any) -> Any:
    for value in values:
        if not known(value):
            raise ValueError("unknown")
        if value is not None and value != "":
            return value
    raise ValueError("no value")


def _coalescelist(*values: Any) -> Any:
    for value in values:
        if not isinstance(value, (list, tuple)):
            raise ValueError("unknown")
        if value:
            return list(value)
    return []


def _format(spec: Any, *args: Any) -> str:
    _need(spec, *args)
    items = list(args)

    def sub(match: re.Match) -> str:
        if match.group(0) == "%%":
            return "%"
        if not items:
            raise ValueError("too few arguments")
        return _to_string(items.pop(0))

    return re.sub(r"%%|%[-+ #0]*\d*(?:\.\d+)?[a-zA-Z]", sub, str(spec))


def _join(sep: Any, items: Any) -> str:
    _need(sep, items)
    return str(sep).join(_to_string(i) for i in items)


def _flatten(items: Any) -> list:
    out: list = []

    def walk(value: Any, depth: int) -> None:
        if depth > 20:
            raise ValueError("too deep")
        if isinstance(value, (list, tuple)):
            for item in value:
                walk(item, depth + 1)
        else:
            out.append(value)

    if not isinstance(items, (list, tuple)):
        raise ValueError("unknown")
    walk(items, 0)
    return out


def _tobool(value: Any) -> Any:
    flag = as_bool(value)
    if flag is None and value is not None:
        raise ValueError("not a bool")
    return flag


def _tonumber(value: Any) -> Any:
    if value is None:
        return None
    number = as_number(value)
    if number is None:
        raise ValueError("not a number")
    return number


def _tolist(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ValueError("unknown")


def _element(items: Any, index: Any) -> Any:
    if not isinstance(items, (list, tuple)) or not items or as_number(index) is None:
        raise ValueError("unknown")
    return items[int(as_number(index)) % len(items)]  # type: ignore[arg-type]


def _str(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` over strings, applied to the string form of each argument once all are known."""

    def wrapped(value: Any, *rest: Any) -> Any:
        _need(value, *rest)
        return fn(_to_string(value), *[_to_string(r) for r in rest])
    return wrapped


def _same(value: Any) -> Any:
    return value


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "jsonencode": _jsonencode, "yamlencode": _jsonencode, "jsondecode": _jsondecode,
    "merge": _merge, "concat": _concat, "lookup": _lookup, "coalesce": _coalesce, "coalescelist": _coalescelist,
    "format": _format, "join": _join, "flatten": _flatten, "element": _element,
    "tostring": lambda v: v if isinstance(v, str) or v is None else _to_string(v) if fully_known(v) and not isinstance(v, (dict, list)) else _fail(),
    "tonumber": _tonumber, "tobool": _tobool, "tolist": _tolist, "toset": _tolist, "tomap": lambda v: v if isinstance(v, dict) else _fail(),
    "lower": _str(str.lower), "upper": _str(str.upper), "trimspace": _str(str.strip),
    "replace": _str(lambda s, a, b: s.replace(a, b)), "split": _str(lambda sep, s: s.split(sep)),
    "length": lambda v: len(v) if isinstance(v, (list, tuple, dict, str)) else _fail(),
    "contains": lambda items, v: (_normalize(v) in [_normalize(i) for i in items]) if isinstance(items, (list, tuple)) and fully_known(items) and fully_known(v) else _fail(),
    "keys": lambda v: sorted(v) if isinstance(v, dict) else _fail(),
    "values": _values,
    "compact": lambda v: [i for i in v if i not in (None, "")] if isinstance(v, (list, tuple)) and fully_known(v) else _fail(),
    "distinct": lambda v: list(dict.fromkeys(v)) if isinstance(v, (list, tuple)) and fully_known(v) and all(not isinstance(i, (dict, list)) for i in v) else _fail(),
    "sensitive": _same, "nonsensitive": _same, "try": _same, "can": _same,
    "startswith": lambda s, p: str(s).startswith(str(p)) if fully_known(s) and fully_known(p) else _fail(),
    "endswith": lambda s, p: str(s).endswith(str(p)) if fully_known(s) and fully_known(p) else _fail(),
    "max": lambda *v: max(as_number(x) for x in v) if all(as_number(x) is not None for x in v) else _fail(),  # type: ignore[type-var]
    "min": lambda *v: min(as_number(x) for x in v) if all(as_number(x) is not None for x in v) else _fail(),  # type: ignore[type-var]
}


def _fail() -> Any:
    raise ValueError("unknown")


# ============================================================================ resources

class Node:
    """A block (a resource, or a block inside one) as one configuration evaluates it."""

    __slots__ = ("block", "path", "evaluator", "bindings", "key")

    def __init__(self, block: Block, path: str, evaluator: Evaluator, bindings: dict, key: Any = None) -> None:
        self.block = block
        self.path = path
        self.evaluator = evaluator
        self.bindings = bindings
        self.key = key

    @property
    def config(self) -> Config:
        return self.evaluator.config

    def attr(self, name: str) -> Attr | None:
        return self.block.attr(name)

    def has(self, name: str) -> bool:
        """Is the attribute written (and not ``null``)?"""
        attr = self.block.attr(name)
        return attr is not None and not (attr.expr.kind == "lit" and attr.expr.value is None)

    def get(self, name: str, default: Any = None) -> Any:
        """The attribute's value; ``default`` when it is not written (Terraform's null is unset too)."""
        attr = self.block.attr(name)
        if attr is None:
            return default
        value = self.evaluator.eval(attr.expr, self.bindings)
        return default if value is None else value

    def blocks(self, type_: str) -> list[Node]:
        """Nested blocks of a type, ``dynamic "type"`` blocks expanded when their collection is known."""
        out = [Node(b, self.path, self.evaluator, self.bindings) for b in self.block.blocks if b.type == type_]
        for dynamic in self.block.blocks:
            if dynamic.type != "dynamic" or dynamic.label != type_:
                continue
            content = dynamic.block("content")
            if content is None:
                continue
            iterator = type_
            iterator_attr = dynamic.attr("iterator")
            if iterator_attr is not None and iterator_attr.expr.kind == "ref" and len(iterator_attr.expr.value) == 1:
                iterator = str(iterator_attr.expr.value[0])
            for_each = dynamic.attr("for_each")
            items = self.evaluator.eval(for_each.expr, self.bindings) if for_each is not None else UNKNOWN
            for key, value in _items(items):
                out.append(Node(content, self.path, self.evaluator, {**self.bindings, iterator: {"key": key, "value": value}}))
        return out

    def block_node(self, type_: str) -> Node | None:
        found = self.blocks(type_)
        return found[0] if found else None

    def where(self, name: str) -> list[str]:
        attr = self.block.attr(name)
        return self.evaluator.where(attr.expr) if attr is not None else []


def _items(collection: Any) -> list[tuple[Any, Any]]:
    """(key, value) pairs of a ``for_each``/``dynamic`` collection; one unknown pair when unknown
    (after the items a :class:`Partial` collection certainly holds)."""
    if isinstance(collection, Partial):
        found = certain(collection)
        pairs = list(found.items()) if isinstance(found, dict) else [(Unknown("each.key"), v) for v in found or ()]
        return pairs[:MAX_INSTANCES - 1] + [(Unknown("each.key"), Unknown("each.value"))]
    if isinstance(collection, dict):
        return list(collection.items())[:MAX_INSTANCES]
    if isinstance(collection, (list, tuple)):
        return [(item if isinstance(item, str) else index, item) for index, item in enumerate(collection)][:MAX_INSTANCES]
    if collection is None:
        return []
    return [(Unknown("each.key"), Unknown("each.value"))]


class Resource:
    """One resource block of a file: its type, name, and its instances under every configuration."""

    def __init__(self, path: str, block: Block, instances: list[Node]) -> None:
        self.path = path
        self.block = block
        self.instances = instances

    @property
    def type(self) -> str:
        return self.block.labels[0]

    @property
    def name(self) -> str:
        return self.block.labels[1]

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"


def instances(block: Block, path: str, evaluator: Evaluator) -> list[Node]:
    """The instances of a resource under one configuration (none when ``count`` is 0 or
    ``for_each`` is empty; one with unknown ``each``/``count`` when the collection is not known)."""
    count_attr = block.attr("count")
    for_each_attr = block.attr("for_each")
    if count_attr is not None:
        count = as_number(evaluator.eval(count_attr.expr, {}))
        if count is not None and count <= 0:
            return []
        return [Node(block, path, evaluator, {"count": {"index": Unknown("count.index")}})]
    if for_each_attr is not None:
        collection = evaluator.eval(for_each_attr.expr, {})
        nodes = []
        for key, value in _items(collection if known(collection) else UNKNOWN):
            nodes.append(Node(block, path, evaluator, {"each": {"key": key, "value": value}}, key=key))
        return nodes
    return [Node(block, path, evaluator, {})]


# ============================================================================ the scope of a file

class Scope:
    """A file's module and the configurations it is judged under."""

    def __init__(self, index, path: str) -> None:
        self.index = index
        self.path = path
        self.module = load_module(index, dir_of(path))
        self.configs = configurations(index, self.module)
        self.evaluators = [Evaluator(self.module, config, index) for config in self.configs]

    def resources(self, *types: str, here: bool = True) -> Iterator[Resource]:
        """Resources of these types (of this file when ``here``), with their instances."""
        for path, block in self.module.resources:
            if here and path != self.path:
                continue
            if types and block.labels[0] not in types:
                continue
            nodes: list[Node] = []
            for evaluator in self.evaluators:
                nodes.extend(instances(block, path, evaluator))
            yield Resource(path, block, nodes)

    def blocks_here(self, type_: str) -> Iterator[Block]:
        data = _file_data(self.index, self.path)
        for block in (data.blocks if data is not None else ()) or ():
            if block.type == type_:
                yield block

    def data_source(self, evaluator: Evaluator, type_: str, name: str) -> Node | None:
        found = self.module.data.get((type_, name))
        if found is None:
            return None
        return Node(found[1], found[0], evaluator, {})

    def linked(self, node: Node, type_: str, attr: str, target: tuple[str, str]) -> list[Node]:
        """Instances of ``type_`` resources in the module (same configuration) whose ``attr``
        refers to ``target`` (type, name): a bucket's public access block, a VPC's flow log."""
        out: list[Node] = []
        for path, block in self.module.resources:
            if block.labels[0] != type_:
                continue
            ref = block.attr(attr)
            if ref is None:
                continue
            if any(len(p) >= 2 and p[0] == target[0] and p[1] == target[1] for p in ref.expr.references()):
                out.extend(instances(block, path, node.evaluator))
        return out

    def target(self, node: Node, attr: str, type_: str) -> tuple[str, str] | None:
        """The (type, name) of the ``type_`` resource of this module that ``attr`` refers to."""
        found = node.attr(attr)
        if found is None:
            return None
        for p in found.expr.references():
            if len(p) >= 2 and p[0] == type_ and isinstance(p[1], str) and self.module.resource(type_, p[1]):
                return type_, p[1]
        return None

    def node_of(self, evaluator: Evaluator, target: tuple[str, str]) -> Node | None:
        """The first instance of a resource of this module under one configuration."""
        found = self.module.resource(*target)
        if found is None:
            return None
        nodes = instances(found[1], found[0], evaluator)
        return nodes[0] if nodes else None


def scope(index, path: str) -> Scope:
    return Scope(index, path)


def is_terraform_kind(kind: FileKind | None) -> bool:
    return kind is TERRAFORM


__all__ = [
    "Unknown", "UNKNOWN", "Encoded", "known", "fully_known", "as_bool", "as_number", "as_list", "document",
    "Environment", "environment_of", "words_environment", "Layout", "layout", "callers_of", "has_lock_file", "Module",
    "load_module", "Config", "configurations", "Evaluator", "traverse", "apply_type", "FUNCTIONS", "Node",
    "Resource", "instances", "Scope", "scope",
]
