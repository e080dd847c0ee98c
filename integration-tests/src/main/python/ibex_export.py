#!/usr/bin/env python3
"""ibex-export: turn a PyTorch model into a TorchScript file in ibex's model contract.

The contract (see README.md, "Bring your own model"): the file's ``forward`` is the model, and for every split
point ``L`` two methods ``to_<m>(x)`` and ``from_<m>(a, ...)`` with ``from_<m>(*to_<m>(x)) == forward(x)``,
``<m>`` being ``L`` with every character other than a letter, digit or ``_`` replaced by ``_``
(``encoder.layers.encoder_layer_11.ln_1`` -> ``to_encoder_layers_encoder_layer_11_ln_1``). ``to_<m>`` returns the
split point's activation, followed by the other tensors that cross the split (the residual stream around a
transformer block's norm) when there are any; ``from_<m>`` takes them back in that order. The archive also holds
``extra/ibex.json``: the split points with their method names, how many tensors cross each, the outputs and the
sample input's shape and dtype.

How: the model is traced with torch.fx (torchvision's ``NodePathTracer``, which names every node by its module
path, as torchvision's feature extraction does), its graph is cut after the last node of each split module,
the three parts are scripted (or traced where scripting fails) and frozen in eval mode (batch-norm folded).
Before anything is written the tool checks, on a seeded sample input and on a second batch size, that
``forward`` equals the eager model, that every ``to_<m>(x)`` is what a forward hook on the named module reads, and
that every ``from_<m>(*to_<m>(x))`` equals ``forward(x)``.

Bad input (unknown module path, a model fx cannot trace, a split that changes the output, an unwritable output)
is one line on stderr and exit status 2; nothing is written then.

usage: python3 ibex_export.py --model resnet50 --split layer4 --input-shape 1,3,224,224 --out resnet50.pt
       python3 ibex_export.py --model my.package.nets:build --arg width=64 --state-dict w.pt \\
           --split blocks.11.norm1 --input-shape 1,3,224,224 --out mine.pt
"""
import argparse
import ast
import difflib
import dis
import importlib
import importlib.util
import inspect
import json
import operator
import os
import re
import sys
import tempfile
import traceback
import warnings

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the launcher looks for a Python with torch; run directly, say what is missing
    print("ibex-export: this Python (%s) has no torch: install PyTorch and torchvision "
          "(Debian: apt-get install python3-torchvision) or set IBEX_PYTHON" % sys.executable, file=sys.stderr)
    sys.exit(2)

VERSION = "1"


class ExportError(Exception):
    """Bad input: reported as one line, exit status 2."""


def method_suffix(layer):
    """The method-name form of a split point (the Java adapter maps names the same way)."""
    return re.sub(r"[^0-9A-Za-z_]", "_", layer)


# --- command line -----------------------------------------------------------------------------------------


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="ibex-export",
        description="Export a PyTorch model as TorchScript in ibex's contract: forward, and to_<L> / from_<L> "
        "for each split point L (a dotted module path).",
    )
    p.add_argument("--model", required=True,
                   help="a torchvision model name (resnet50, vit_b_16, fcn_resnet50, ...) or package.module:fn "
                        "returning an nn.Module")
    p.add_argument("--arg", action="append", default=[], metavar="KEY=VALUE",
                   help="a keyword argument of the model's constructor, the value a Python literal "
                        "(num_classes=10, depths=[2,2], weights=None); repeatable")
    p.add_argument("--state-dict", metavar="FILE", help="load these weights (torch.save of a state dict)")
    p.add_argument("--seed", type=int, help="torch.manual_seed(SEED) just before the model is built")
    p.add_argument("--split", action="append", default=[], metavar="PATH",
                   help="a split point: the dotted path of a module (layer4, features.18, "
                        "encoder.layers.encoder_layer_11.ln_1); repeatable")
    p.add_argument("--input-shape", required=True, metavar="N,C,H,W",
                   help="the shape of a sample input, e.g. 1,3,224,224, or 1,77 for token ids")
    p.add_argument("--input-dtype", choices=["float", "int64"], default="float",
                   help="float pixels (default) or int64 token ids")
    p.add_argument("--vocab-size", type=int, default=100, help="sample token ids are drawn below this (int64)")
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32",
                   help="the dtype of the exported model's parameters (default float32)")
    p.add_argument("--attention", action="store_true",
                   help="also export attention_forward(x, probe) and attention_shape_forward(x): every "
                        "nn.MultiheadAttention's probabilities with a probe for their gradients (for chefer)")
    p.add_argument("--out", required=True, metavar="FILE.pt", help="where to write the TorchScript file")
    return p.parse_args(argv)


def parse_kwargs(pairs):
    kwargs = {}
    for pair in pairs:
        if "=" not in pair:
            raise ExportError("--arg %r is not KEY=VALUE" % pair)
        key, value = pair.split("=", 1)
        try:
            kwargs[key.strip()] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            kwargs[key.strip()] = value.strip()  # a bare word is a string
    return kwargs


def parse_shape(text):
    try:
        shape = [int(s) for s in text.split(",")]
    except ValueError:
        raise ExportError("--input-shape %r is not a comma-separated list of sizes, e.g. 1,3,224,224" % text)
    if len(shape) < 1 or any(s < 1 for s in shape):
        raise ExportError("--input-shape %r has a size below 1" % text)
    return shape


def check_writable(out):
    folder = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(folder):
        what = "is not a folder" if os.path.exists(folder) else "does not exist"
        raise ExportError("cannot write %s: %s %s" % (out, folder, what))
    if os.path.isdir(out):
        raise ExportError("cannot write %s: it is a folder" % out)
    if not os.access(folder, os.W_OK):
        raise ExportError("cannot write %s: folder %s is not writable" % (out, folder))


# --- the model --------------------------------------------------------------------------------------------


def build_model(spec, kwargs, state_dict, seed):
    if ":" in spec:
        module_name, fn_name = spec.split(":", 1)
        try:
            module = importlib.import_module(module_name)
        except ImportError as e:
            raise ExportError("cannot import %s: %s" % (module_name, e))
        fn = getattr(module, fn_name, None)
        if fn is None:
            raise ExportError("%s has no %s" % (module_name, fn_name))
    else:
        import torchvision.models as tvm

        names = tvm.list_models() if hasattr(tvm, "list_models") else _torchvision_names(tvm)
        if spec not in names:
            near = difflib.get_close_matches(spec, names, n=3)
            raise ExportError("torchvision has no model %r%s; or give package.module:fn"
                              % (spec, " (did you mean %s?)" % ", ".join(near) if near else ""))
        fn = lambda **kw: tvm.get_model(spec, **kw)  # noqa: E731
    if seed is not None:
        torch.manual_seed(seed)
    try:
        model = fn(**kwargs)
    except TypeError as e:
        raise ExportError("cannot build %s(%s): %s" % (spec, _kw_text(kwargs), e))
    if not isinstance(model, torch.nn.Module):
        raise ExportError("%s returned a %s, not a torch.nn.Module" % (spec, type(model).__name__))
    if state_dict:
        if not os.path.isfile(state_dict):
            raise ExportError("state dict %s not found" % state_dict)
        try:
            weights = torch.load(state_dict, map_location="cpu")
        except Exception as e:  # noqa: BLE001 - any unpickling failure is bad input
            raise ExportError("cannot read state dict %s: %s" % (state_dict, _first_line(e)))
        if isinstance(weights, dict) and "state_dict" in weights and isinstance(weights["state_dict"], dict):
            weights = weights["state_dict"]
        try:
            model.load_state_dict(weights)
        except RuntimeError as e:
            raise ExportError("state dict %s does not fit the model: %s" % (state_dict, _first_line(e)))
    return model.eval()


def _torchvision_names(tvm):
    return sorted(n for n, f in vars(tvm).items() if callable(f) and n[:1].islower() and not n.startswith("get"))


def _kw_text(kwargs):
    return ", ".join("%s=%r" % kv for kv in kwargs.items())


def _first_line(e):
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


# --- tracing and splitting --------------------------------------------------------------------------------


def make_tracer():
    from torchvision.models.feature_extraction import NodePathTracer, _set_default_tracer_kwargs

    class Tracer(NodePathTracer):
        """torchvision's NodePathTracer; tracing also unpacks a proxy into a tuple on Python 3.11+ (below)."""

        def trace(self, root, concrete_args=None):
            proxy = torch.fx.proxy.Proxy
            original = proxy.__iter__
            proxy.__iter__ = _unpacking_iter
            try:
                return super().trace(root, concrete_args)
            finally:
                proxy.__iter__ = original

    return Tracer(**_set_default_tracer_kwargs(None))


def _unpacking_iter(self):
    """Proxy.__iter__ as torch.fx has it, but finding the calling instruction by its offset: torch.fx before
    2.0 indexes instructions by f_lasti // 2, which is wrong once Python 3.11 adds inline caches, so
    ``n, c, h, w = x.shape`` or ``x, _ = attention(x)`` would not trace."""
    frame = inspect.currentframe().f_back
    for inst in dis.get_instructions(frame.f_code):
        if inst.offset == frame.f_lasti and inst.opname == "UNPACK_SEQUENCE":
            return (self[i] for i in range(inst.argval))
    return self.tracer.iter(self)


def trace(model):
    fx = torch.fx
    tracer = make_tracer()
    try:
        graph = tracer.trace(model)
    except Exception as e:  # noqa: BLE001 - whatever stops fx, the user needs the call that did
        raise ExportError("the model is not fx-traceable at %s: %s" % (_user_frame(e), _first_line(e)))
    placeholders = [n for n in graph.nodes if n.op == "placeholder"]
    required = [n for n in placeholders if not n.args]
    if len(required) != 1:
        raise ExportError("the model's forward takes %d inputs (%s); ibex explains models of one input"
                          % (len(required), ", ".join(n.target for n in required)))
    return fx.GraphModule(tracer.root, graph, type(model).__name__), tracer.node_to_qualname


def _user_frame(e):
    """The innermost frame of the traceback outside torch.fx and this tool: the call fx could not trace."""
    here = os.path.abspath(__file__)
    found = None
    for frame in traceback.extract_tb(e.__traceback__):
        name = frame.filename.replace("\\", "/")
        if "/torch/fx/" in name or os.path.abspath(frame.filename) == here or "feature_extraction.py" in name:
            continue
        found = frame
    if found is None:
        return "forward"
    return "%s:%d (%s)" % (os.path.basename(found.filename), found.lineno, (found.line or "").strip())


def module_of(node, qualnames):
    """The path of the module a node runs in: a leaf module call's own path, else the module whose forward
    made the op. (Not the node's qualname as such: NodePathTracer rewrites a trailing _<digits>, so the node of
    a module named ln_1 is called ln and ln_2's is called ln_1.)"""
    if node.op == "call_module":
        return node.target
    q = qualnames.get(node)
    if q is None:
        return None
    return q.rsplit(".", 1)[0] if "." in q else ""


def find_split_node(graph_module, qualnames, layer, model):
    """The last node run inside module ``layer``, in execution order (as torchvision's feature extraction
    picks a module's output)."""
    found = None
    for node in graph_module.graph.nodes:
        m = module_of(node, qualnames)
        if m is not None and (m == layer or m.startswith(layer + ".")):
            found = node
    if found is None:
        modules = [n for n, _ in model.named_modules() if n]
        near = difflib.get_close_matches(layer, modules, n=5, cutoff=0.5)
        if layer in modules:
            raise ExportError("module %s is not called by the model's forward" % layer)
        raise ExportError("the model has no module %s%s" % (
            layer, "; nearest: " + ", ".join(near) if near else "; its modules start with " +
            ", ".join(modules[:5])))
    return found


def record_values(graph_module, x):
    """Runs the graph once and returns {node: value}: which nodes hold tensors and what they hold."""
    values = {}

    class Recorder(torch.fx.Interpreter):
        def run_node(self, n):
            out = super().run_node(n)
            values[n] = out
            return out

    with torch.no_grad():
        output = Recorder(graph_module).run(x)
    return values, output


def split(graph_module, node, values, layer):
    """Cuts the graph after ``node``: a head graph returning (activation, *crossing tensors) and a tail graph
    taking them back. Non-tensor values that cross (sizes read from a tensor) are recomputed in the tail."""
    fx = torch.fx
    if not isinstance(values.get(node), torch.Tensor):
        raise ExportError("module %s returns a %s, not a tensor: choose one of its submodules"
                          % (layer, type(values.get(node)).__name__))
    nodes = list(graph_module.graph.nodes)
    position = nodes.index(node)
    head_nodes = set(nodes[: position + 1])
    tail_nodes = nodes[position + 1:]

    # the head values the tail reads
    crossing = []
    for n in tail_nodes:
        for arg in n.all_input_nodes:
            if arg in head_nodes and arg is not node and arg not in crossing:
                crossing.append(arg)
    crossing.sort(key=nodes.index)

    # which head values come over as tensors; values that are not tensors (sizes read from a tensor, get_attr)
    # are recomputed in the tail from what they read
    tensors, recomputed = [], []

    def need(n):
        if n is node or n in tensors or n in recomputed:
            return
        if n.op == "get_attr" or not isinstance(values.get(n), torch.Tensor):
            if n.op == "placeholder":
                raise ExportError("split %s: the model's input %s crosses the split as a non-tensor" % (layer, n))
            for arg in n.all_input_nodes:
                need(arg)
            recomputed.append(n)
        else:
            tensors.append(n)

    for n in crossing:
        need(n)
    tensors.sort(key=nodes.index)
    recomputed.sort(key=nodes.index)

    tail = fx.Graph()
    env = {node: tail.placeholder("activation")}
    for i, n in enumerate(tensors):
        env[n] = tail.placeholder("crossing_%d" % (i + 1))
    # in-place ops in the tail must not write into its inputs (leaves that require grad, on ibex's side)
    for n in [node] + tensors:
        env[n] = tail.call_method("clone", (env[n],))
    for n in recomputed + tail_nodes:
        env[n] = tail.node_copy(n, lambda a: env[a])

    head = fx.Graph()
    henv = {}
    for n in nodes[: position + 1]:
        henv[n] = head.node_copy(n, lambda a: henv[a])
    if tensors:
        head.output(tuple([henv[node]] + [henv[t] for t in tensors]))
    else:
        head.output(henv[node])
    return _pruned(fx, graph_module, head, "Head"), _pruned(fx, graph_module, tail, "Tail"), len(tensors)


def _pruned(fx, root, graph, name):
    module = fx.GraphModule(root, graph, name)
    module.graph.eliminate_dead_code()
    module.recompile()
    return fx.GraphModule(root, module.graph, name)  # copies only the submodules the pruned graph calls


# --- attention probes (for chefer) -----------------------------------------------------------------------


def ibex_probed_attention(query, key, value, in_weight, in_bias, out_weight, out_bias,
                          heads: int, batch_first: bool, probe):
    """nn.MultiheadAttention's forward (no masks, no dropout: eval) with ``probe`` (N, heads, T, S) added to
    the attention probabilities; returns the output and the probabilities (probe included). The probe is
    zero, so the output does not change; its gradient is the gradient of the probabilities."""
    if not batch_first:
        query, key, value = query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1)
    n, t, e = query.shape
    s = key.shape[1]
    d = e // heads
    w_q, w_k, w_v = in_weight.chunk(3)
    if in_bias is not None:
        b_q, b_k, b_v = in_bias.chunk(3)
        q, k, v = F.linear(query, w_q, b_q), F.linear(key, w_k, b_k), F.linear(value, w_v, b_v)
    else:
        q, k, v = F.linear(query, w_q), F.linear(key, w_k), F.linear(value, w_v)
    q = q.reshape(n, t, heads, d).transpose(1, 2)
    k = k.reshape(n, s, heads, d).transpose(1, 2)
    v = v.reshape(n, s, heads, d).transpose(1, 2)
    a = torch.softmax((q / (d ** 0.5)) @ k.transpose(-2, -1), -1) + probe
    out = (a @ v).transpose(1, 2).reshape(n, t, e)
    out = F.linear(out, out_weight, out_bias)
    if not batch_first:
        out = out.transpose(0, 1)
    return out, a


def _argument(node, position, name, default=None):
    if len(node.args) > position:
        return node.args[position]
    return node.kwargs.get(name, default)


def probe_attention(graph_module):
    """A graph of forward(x, probe) -> (output, attention): every nn.MultiheadAttention call replaced by
    ibex_probed_attention with probe[b] for the b-th call. Returns it, (blocks, heads) and the first call's
    query node with its token dimension (for attention_shape)."""
    fx = torch.fx
    graph = fx.Graph()
    env = {}
    calls = []
    probe = None
    output = None
    for n in graph_module.graph.nodes:
        module = graph_module.get_submodule(n.target) if n.op == "call_module" else None
        if n.op == "output":
            output = n
            continue
        if not isinstance(module, torch.nn.MultiheadAttention):
            env[n] = graph.node_copy(n, lambda a: env[a])
            if n.op == "placeholder" and probe is None:
                probe = graph.placeholder("probe")
            continue
        for what, position in (("key_padding_mask", 3), ("attn_mask", 5)):
            if _argument(n, position, what) is not None:
                raise ExportError("--attention: %s is called with %s; ibex probes unmasked self-attention only"
                                  % (n.target, what))
        if not module._qkv_same_embed_dim or module.bias_k is not None or module.add_zero_attn:
            raise ExportError("--attention: %s has separate q/k/v projections, bias_k or add_zero_attn, "
                              "which ibex does not probe" % n.target)
        query, key, value = (_argument(n, i, w) for i, w in enumerate(("query", "key", "value")))
        attr = lambda name: graph.get_attr(n.target + "." + name)  # noqa: E731
        in_bias = attr("in_proj_bias") if module.in_proj_bias is not None else None
        out_bias = attr("out_proj.bias") if module.out_proj.bias is not None else None
        probe_b = graph.call_function(operator.getitem, (probe, len(calls)))
        env[n] = graph.call_function(ibex_probed_attention, (
            env[query], env[key], env[value], attr("in_proj_weight"), in_bias, attr("out_proj.weight"),
            out_bias, module.num_heads, module.batch_first, probe_b))
        calls.append((n, module, query))
    if not calls:
        raise ExportError("--attention: the model calls no torch.nn.MultiheadAttention; ibex probes those")
    heads = {m.num_heads for _, m, _ in calls}
    if len(heads) != 1:
        raise ExportError("--attention: the attention blocks have different head counts %s" % sorted(heads))
    attentions = [graph.call_function(operator.getitem, (env[n], 1)) for n, _, _ in calls]
    stacked = graph.call_function(torch.stack, (tuple(attentions),))
    graph.output((fx.graph.map_arg(output.args[0], lambda a: env[a]), stacked))
    first_query, first_module = calls[0][2], calls[0][1]
    token_dim = 1 if first_module.batch_first else 0
    return (_pruned(fx, graph_module, graph, "Probed"), (len(calls), heads.pop()),
            first_query, token_dim)


def query_graph(graph_module, query):
    """A graph of x -> the first attention call's query (to read the token count from)."""
    graph = torch.fx.Graph()
    env = {}
    for n in graph_module.graph.nodes:
        env[n] = graph.node_copy(n, lambda a: env[a])
        if n is query:
            break
    graph.output(env[query])
    return _pruned(torch.fx, graph_module, graph, "Query")


# --- the exported module ----------------------------------------------------------------------------------


def wrapper_source(splits, attention=None, export="    @torch.jit.export"):
    """Python source of the module that TorchScript compiles: forward, to_/from_ per split point, and with
    ``attention`` = (blocks, heads, token dim) attention_shape_forward / attention_forward (AttentionProbing)."""
    lines = ["import torch", "", "", "class IbexExport(torch.nn.Module):",
             "    def __init__(self, full, heads, tails, probed=None, query=None):",
             "        super().__init__()",
             "        self.full = full"]
    if attention:
        lines += ["        self.probed = probed", "        self.query = query"]
    for i, _ in enumerate(splits):
        lines.append("        self.head_%d = heads[%d]" % (i, i))
        lines.append("        self.tail_%d = tails[%d]" % (i, i))
    lines += ["", "    def forward(self, x):", "        return self.full(x)"]
    if attention:
        blocks, heads, token_dim = attention
        lines += ["", export, "    def attention_shape_forward(self, x):",
                  "        tokens = self.query(x).size(%d)" % token_dim,
                  "        return torch.tensor([%d, %d, tokens])" % (blocks, heads),
                  "", export, "    def attention_forward(self, x, probe):",
                  "        return self.probed(x, probe)"]
    for i, (layer, extra) in enumerate(splits):
        m = method_suffix(layer)
        params = ["a"] + ["c%d" % k for k in range(extra)]
        lines += ["", export, "    def to_%s(self, x):" % m,
                  "        return self.head_%d(x)" % i,
                  "", export,
                  "    def from_%s(self, %s):" % (m, ", ".join(params)),
                  "        return self.tail_%d(%s)" % (i, ", ".join(params))]
    return "\n".join(lines) + "\n"


def _wrapper(full, parts, splits, workdir, attention, name, export):
    """The module TorchScript compiles or traces, from generated source (TorchScript reads a method's source)."""
    path = os.path.join(workdir, name + ".py")
    with open(path, "w") as f:
        f.write(wrapper_source(splits, attention and attention["shape"], export))
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.IbexExport(full, [h for h, _ in parts], [t for _, t in parts],
                          attention and attention["probed"], attention and attention["query"]).eval()


def compile_module(full, parts, splits, sample, workdir, attention=None):
    methods = ["attention_shape_forward", "attention_forward"] if attention else []
    for layer, _ in splits:
        methods += ["to_" + method_suffix(layer), "from_" + method_suffix(layer)]
    try:
        scripted = torch.jit.script(_wrapper(full, parts, splits, workdir, attention,
                                             "ibex_export_module", "    @torch.jit.export"))
        how = "scripted"
    except Exception as script_error:  # noqa: BLE001 - fall back to tracing, checked below on two batch sizes
        # without @torch.jit.export, which would compile those methods from source again
        wrapper = _wrapper(full, parts, splits, workdir, attention, "ibex_export_traced", "")
        inputs = {"forward": sample}
        if attention:
            inputs["attention_shape_forward"] = sample
            inputs["attention_forward"] = (sample, attention["probe"])
        with torch.no_grad():
            for layer, extra in splits:
                m = method_suffix(layer)
                head = getattr(wrapper, "to_" + m)(sample)
                inputs["to_" + m] = sample
                inputs["from_" + m] = tuple(head) if extra else head
        try:
            with warnings.catch_warnings():  # tracing warns of every Python value; the checks below decide
                warnings.simplefilter("ignore")
                scripted = torch.jit.trace_module(wrapper, inputs, strict=False, check_trace=False)
            how = "traced (scripting failed: %s)" % _first_line(script_error)
        except Exception as e:  # noqa: BLE001
            raise ExportError("TorchScript cannot compile the split model: %s; tracing it failed too: %s"
                              % (_first_line(script_error), _first_line(e)))
    frozen = torch.jit.freeze(scripted.eval(), preserved_attrs=methods)
    return frozen, how


# --- checks -----------------------------------------------------------------------------------------------


def flat_outputs(out):
    """A model's outputs as [(name, tensor)]: a tensor, a tuple/list of tensors or a dict of tensors."""
    if isinstance(out, torch.Tensor):
        return [("output", out)]
    if isinstance(out, dict):
        return [(str(k), v) for k, v in out.items()]
    if isinstance(out, (tuple, list)):
        return [(str(i), v) for i, v in enumerate(out)]
    raise ExportError("the model returns a %s; ibex reads a tensor, a tuple of tensors or a dict of tensors"
                      % type(out).__name__)


def max_difference(got, want, what):
    g, w = flat_outputs(got), flat_outputs(want)
    if [n for n, _ in g] != [n for n, _ in w]:
        raise ExportError("%s returns outputs %s, the model %s" % (what, [n for n, _ in g], [n for n, _ in w]))
    worst, scale = 0.0, 1.0
    for (_, a), (_, b) in zip(g, w):
        if a.shape != b.shape:
            raise ExportError("%s returns shape %s, the model %s" % (what, list(a.shape), list(b.shape)))
        worst = max(worst, (a.double() - b.double()).abs().max().item())
        scale = max(scale, b.double().abs().max().item())
    return worst, scale


def module_outputs(model, layers, x):
    """Each named module's output on x, read by a forward hook (the last call's, for a module called twice),
    with the model's output."""
    seen, hooks = {}, []
    for layer in layers:
        def keep(module, inputs, output, layer=layer):
            # a copy: the model may change the tensor in place afterwards (ResNet's out += identity)
            seen[layer] = output.clone() if isinstance(output, torch.Tensor) else output
        hooks.append(model.get_submodule(layer).register_forward_hook(keep))
    try:
        with torch.no_grad():
            out = model(x)
    finally:
        for h in hooks:
            h.remove()
    return seen, out


def check(exported, model, splits, x, dtype, what):
    tol = 1e-9 if dtype == torch.float64 else 1e-4  # relative to the largest output; float32 folds batch-norm
    hooked, want = module_outputs(model, [layer for layer, _ in splits], x)
    with torch.no_grad():
        diff, scale = max_difference(exported(x), want, "forward" + what)
        if diff > tol * scale:
            raise ExportError("the exported forward differs from the model by %.3g%s (tolerance %.3g)"
                              % (diff, what, tol * scale))
        for layer, extra in splits:
            m = method_suffix(layer)
            head = getattr(exported, "to_" + m)(x)
            args = tuple(head) if extra else (head,)
            if len(args) != extra + 1:
                raise ExportError("to_%s returns %d tensors, expected %d" % (m, len(args), extra + 1))
            # the split is at the named module: its activation is what a hook on the module reads
            diff, scale = max_difference(args[0], hooked[layer], "to_" + m)
            if diff > tol * scale:
                raise ExportError("to_%s differs from the output of module %s by %.3g%s (tolerance %.3g)"
                                  % (m, layer, diff, what, tol * scale))
            diff, scale = max_difference(getattr(exported, "from_" + m)(*args), want, "split " + layer)
            if diff > tol * scale:
                raise ExportError("the split at %s changes the output by %.3g%s (tolerance %.3g)"
                                  % (layer, diff, what, tol * scale))


def check_attention(exported, model, x, dtype, expected):
    """attention_forward with a zero probe is forward, its attention rows are probabilities, and
    attention_shape_forward says the probe's shape."""
    tol = 1e-9 if dtype == torch.float64 else 1e-4
    with torch.no_grad():
        shape = exported.attention_shape_forward(x).tolist()
        want = [expected["blocks"], expected["heads"], expected["tokens"]]
        if shape != want:
            raise ExportError("attention_shape_forward says %s, the model has %s" % (shape, want))
        probe = torch.zeros([shape[0], x.shape[0], shape[1], shape[2], shape[2]], dtype=dtype)
        out, attention = exported.attention_forward(x, probe)
        diff, scale = max_difference(out, model(x), "attention_forward")
        if diff > tol * scale:
            raise ExportError("attention_forward differs from the model by %.3g (tolerance %.3g)"
                              % (diff, tol * scale))
        rows = (attention.double().sum(-1) - 1).abs().max().item()
        if rows > 1e-4:
            raise ExportError("the probed attention rows do not sum to 1 (off by %.3g)" % rows)


def sample_input(shape, input_dtype, dtype, vocab, seed=0):
    g = torch.Generator().manual_seed(seed)
    if input_dtype == "int64":
        return torch.randint(0, vocab, shape, generator=g, dtype=torch.int64)
    return torch.randn(shape, generator=g, dtype=dtype)


# --- main -------------------------------------------------------------------------------------------------


def export(args):
    if not args.split:
        raise ExportError("give at least one --split PATH (a dotted module path, e.g. layer4)")
    if len(set(args.split)) != len(args.split):
        raise ExportError("a split point is given twice")
    methods = [method_suffix(s) for s in args.split]
    if len(set(methods)) != len(methods):
        raise ExportError("split points %s map to the same method name" % ", ".join(args.split))
    shape = parse_shape(args.input_shape)
    check_writable(args.out)
    dtype = torch.float64 if args.dtype == "float64" else torch.float32

    model = build_model(args.model, parse_kwargs(args.arg), args.state_dict, args.seed)
    model = model.to(dtype)
    x = sample_input(shape, args.input_dtype, dtype, args.vocab_size)
    try:
        with torch.no_grad():
            model(x)
    except Exception as e:  # noqa: BLE001
        raise ExportError("the model rejects a sample input of shape %s: %s" % (shape, _first_line(e)))

    graph_module, qualnames = trace(model)
    values, traced_out = record_values(graph_module, x)
    with torch.no_grad():
        diff, scale = max_difference(traced_out, model(x), "the traced graph")
    if diff > 1e-6 * scale:
        raise ExportError("the traced graph differs from the model by %.3g: its forward depends on something "
                          "fx cannot see" % diff)

    parts, splits, shapes = [], [], {}
    for layer in args.split:
        node = find_split_node(graph_module, qualnames, layer, model)
        head, tail, extra = split(graph_module, node, values, layer)
        parts.append((head, tail))
        splits.append((layer, extra))
        shapes[layer] = list(values[node].shape)

    attention = None
    if args.attention:
        probed, (blocks, heads), query, token_dim = probe_attention(graph_module)
        tokens = values[query].shape[token_dim]
        probe = torch.zeros(blocks, shape[0], heads, tokens, tokens, dtype=dtype)
        attention = {"probed": probed, "query": query_graph(graph_module, query),
                     "shape": (blocks, heads, token_dim), "probe": probe}

    with tempfile.TemporaryDirectory() as work:
        exported, how = compile_module(graph_module, parts, splits, x, work, attention)
        metadata = {
            "format": 1,
            "exporter": "ibex-export " + VERSION,
            "torch": torch.__version__,
            "model": args.model,
            "arguments": args.arg,
            "seed": args.seed,
            "dtype": args.dtype,
            "input": {"shape": shape, "dtype": "int64" if args.input_dtype == "int64" else args.dtype},
            "outputs": [n for n, _ in flat_outputs(traced_out)] if not isinstance(traced_out, torch.Tensor)
            else [],
            "layers": [{"name": layer, "method": method_suffix(layer), "extra_tensors": extra,
                        "shape": shapes[layer]} for layer, extra in splits],
            "compiled": how,
        }
        if attention:
            metadata["attention"] = {"blocks": blocks, "heads": heads, "tokens": tokens}
        # written beside the target under its own name (the archive's folder is named after the file), then
        # moved into place: a failure leaves nothing
        try:
            staging = tempfile.mkdtemp(prefix=".ibex-export-", dir=os.path.dirname(os.path.abspath(args.out)))
        except OSError as e:
            raise ExportError("cannot write %s: %s" % (args.out, e.strerror or e))
        tmp = os.path.join(staging, os.path.basename(args.out))
        try:
            try:
                torch.jit.save(exported, tmp, _extra_files={"ibex.json": json.dumps(metadata, indent=1)})
            except RuntimeError as e:  # TorchScript's "File ... cannot be opened"
                raise ExportError("cannot write %s: %s" % (args.out, _first_line(e)))
            loaded = torch.jit.load(tmp)
            try:
                check(loaded, model, splits, x, dtype, "")
                if attention:
                    check_attention(loaded, model, x, dtype, metadata["attention"])
                other = list(shape)
                other[0] = shape[0] + 1
                check(loaded, model, splits, sample_input(other, args.input_dtype, dtype,
                                                                 args.vocab_size, seed=1),
                      dtype, " at batch size %d" % other[0])
            except ExportError as e:
                if how == "scripted":
                    raise
                raise ExportError("%s; the file was %s, and tracing keeps Python values computed from the "
                                  "sample input as constants" % (e, how))
            os.replace(tmp, args.out)
        except OSError as e:
            raise ExportError("cannot write %s: %s" % (args.out, e.strerror or e))
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
            os.rmdir(staging)
    return metadata


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        metadata = export(args)
    except ExportError as e:
        print("ibex-export: %s" % e, file=sys.stderr)
        return 2
    for layer in metadata["layers"]:
        print("split %s: to_%s / from_%s, activation %s%s" % (
            layer["name"], layer["method"], layer["method"], layer["shape"],
            ", %d more tensor(s) cross it" % layer["extra_tensors"] if layer["extra_tensors"] else ""))
    if "attention" in metadata:
        a = metadata["attention"]
        print("attention: attention_forward / attention_shape_forward, %d blocks of %d heads over %d tokens"
              % (a["blocks"], a["heads"], a["tokens"]))
    print("wrote %s (%s, %s, checked against the model at batch sizes %d and %d)" % (
        args.out, metadata["dtype"], metadata["compiled"], metadata["input"]["shape"][0],
        metadata["input"]["shape"][0] + 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
