# Checks ONNX files with the onnx package's own checker and shape inference (Debian python3-onnx, run with
# /usr/bin/python3). For each file prints: path, then the inferred output shape (a symbolic dimension by name).
# Exits non-zero on the first file the checker rejects.
import sys
import onnx
from onnx import checker, shape_inference

for path in sys.argv[1:]:
    model = onnx.load(path)
    checker.check_model(model, full_check=True)
    inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    checker.check_model(inferred, full_check=True)
    out = inferred.graph.output[0].type.tensor_type.shape
    dims = [d.dim_param if d.dim_param else str(d.dim_value) for d in out.dim]
    print(path + '\t' + ','.join(dims) + '\t' + str(len(inferred.graph.value_info)) + '\t'
          + str(model.opset_import[0].version) + '\t' + str(model.ir_version))
