// N-API entry points of the engine. Every function takes Float32Arrays the JS side
// allocated (tfjs's cpu backend owns them afterwards) and checks their lengths against the
// shapes before touching them: a wrong shape must throw, never write out of bounds.
#include <node_api.h>

#include <string>

#include "avg-pool.h"
#include "batch-norm.h"
#include "conv2d.h"
#include "direct-conv2d.h"
#include "elementwise.h"
#include "rows.h"
#include "gemm.h"
#include "max-pool.h"
#include "optimizer-step.h"
#include "thread-pool.h"
#include "tile.h"

namespace {

using engine::Activation;

struct Fail {
  std::string message;
};

napi_value arg_at(napi_env env, napi_callback_info info, size_t want, napi_value* args) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc < want) throw Fail{"expected " + std::to_string(want) + " arguments"};
  return nullptr;
}

bool is_null(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  return t == napi_null || t == napi_undefined;
}

/** The Float32Array's data, checked to hold at least `need` values. */
float* floats(napi_env env, napi_value v, size_t need, const char* name) {
  bool is_typed = false;
  napi_is_typedarray(env, v, &is_typed);
  if (!is_typed) throw Fail{std::string(name) + " must be a Float32Array"};
  napi_typedarray_type type;
  size_t length;
  void* data;
  napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr);
  if (type != napi_float32_array) throw Fail{std::string(name) + " must be a Float32Array"};
  if (length < need) throw Fail{std::string(name) + " holds " + std::to_string(length) + " values, needs " + std::to_string(need)};
  return static_cast<float*>(data);
}

/** The data of a typed array of type `want` (`what` names it) holding at least `need` elements. */
void* typed(napi_env env, napi_value v, napi_typedarray_type want, size_t need, const char* name, const char* what) {
  bool is_typed = false;
  napi_is_typedarray(env, v, &is_typed);
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (is_typed) napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr);
  if (!is_typed || type != want || length < need) throw Fail{std::string(name) + " must be an " + what + " of " + std::to_string(need)};
  return data;
}

const int* ints(napi_env env, napi_value v, size_t need, const char* name) {
  return static_cast<const int*>(typed(env, v, napi_int32_array, need, name, "Int32Array"));
}

/** A typed array's length in elements (0 for anything else: the checks that follow refuse it). */
size_t length_of(napi_env env, napi_value v) {
  size_t length = 0;
  napi_get_typedarray_info(env, v, nullptr, &length, nullptr, nullptr, nullptr);
  return length;
}

double number(napi_env env, napi_value v) {
  double d = 0;
  if (napi_get_value_double(env, v, &d) != napi_ok) throw Fail{"expected a number"};
  return d;
}

bool boolean(napi_env env, napi_value v) {
  bool b = false;
  if (napi_get_value_bool(env, v, &b) != napi_ok) throw Fail{"expected a boolean"};
  return b;
}

void positive(long v, const char* what) {
  if (v <= 0) throw Fail{std::string(what) + " must be positive"};
}

Activation activation(double code) {
  int c = static_cast<int>(code);
  if (c < 0 || c > 5) throw Fail{"unknown activation code"};
  return static_cast<Activation>(c);
}

template <typename F>
napi_value guarded(napi_env env, F body) {
  try {
    return body();
  } catch (const Fail& f) {
    napi_throw_error(env, "ENGINE_BAD_ARGUMENT", f.message.c_str());
  } catch (const std::exception& e) {
    napi_throw_error(env, "ENGINE_FAILED", e.what());
  }
  return nullptr;
}

/** [batch, inH, inW, inC, filterH, filterW, outC, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW] */
engine::ConvShape conv_shape(const int* p) {
  engine::ConvShape s{p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14]};
  const int all[] = {s.batch, s.in_h, s.in_w, s.in_c, s.filter_h, s.filter_w, s.out_c, s.stride_h, s.stride_w, s.dilation_h, s.dilation_w, s.out_h, s.out_w};
  for (int v : all) positive(v, "every conv2d dimension");
  return s;
}
size_t in_size(const engine::ConvShape& s) { return static_cast<size_t>(s.batch) * s.in_h * s.in_w * s.in_c; }
size_t out_size(const engine::ConvShape& s) { return static_cast<size_t>(s.batch) * s.out_h * s.out_w * s.out_c; }
size_t filter_size(const engine::ConvShape& s) { return static_cast<size_t>(s.filter_h) * s.filter_w * s.in_c * s.out_c; }

/** conv2dForward(shape, x, w, bias|null, activation, alpha, y) */
napi_value conv2d_forward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[7];
    arg_at(env, info, 7, a);
    auto s = conv_shape(ints(env, a[0], 15, "shape"));
    const float* bias = is_null(env, a[3]) ? nullptr : floats(env, a[3], s.out_c, "bias");
    engine::conv2d_forward(s, floats(env, a[1], in_size(s), "x"), floats(env, a[2], filter_size(s), "filter"), bias,
                           activation(number(env, a[4])), static_cast<float>(number(env, a[5])), floats(env, a[6], out_size(s), "y"));
    return nullptr;
  });
}

/** conv2dBackpropFilter(shape, x, dy, dw) */
napi_value conv2d_backprop_filter(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    arg_at(env, info, 4, a);
    auto s = conv_shape(ints(env, a[0], 15, "shape"));
    engine::conv2d_backprop_filter(s, floats(env, a[1], in_size(s), "x"), floats(env, a[2], out_size(s), "dy"), floats(env, a[3], filter_size(s), "dw"));
    return nullptr;
  });
}

/** conv2dBackpropInput(shape, dy, w, dx) */
napi_value conv2d_backprop_input(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    arg_at(env, info, 4, a);
    auto s = conv_shape(ints(env, a[0], 15, "shape"));
    engine::conv2d_backprop_input(s, floats(env, a[1], out_size(s), "dy"), floats(env, a[2], filter_size(s), "filter"), floats(env, a[3], in_size(s), "dx"));
    return nullptr;
  });
}

/** [batch, inH, inW, channels, filterH, filterW, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW] */
engine::PoolShape pool_shape(const int* p) {
  engine::PoolShape s{p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13]};
  const int all[] = {s.batch, s.in_h, s.in_w, s.channels, s.filter_h, s.filter_w, s.stride_h, s.stride_w, s.dilation_h, s.dilation_w, s.out_h, s.out_w};
  for (int v : all) positive(v, "every pooling dimension");
  return s;
}

size_t pool_in(const engine::PoolShape& s) { return static_cast<size_t>(s.batch) * s.in_h * s.in_w * s.channels; }
size_t pool_out(const engine::PoolShape& s) { return static_cast<size_t>(s.batch) * s.out_h * s.out_w * s.channels; }

/** maxPool(shape, x, y) */
napi_value max_pool(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[3];
    arg_at(env, info, 3, a);
    auto s = pool_shape(ints(env, a[0], 14, "shape"));
    const size_t in = pool_in(s), out = pool_out(s);
    engine::max_pool_forward(s, floats(env, a[1], in, "x"), floats(env, a[2], out, "y"));
    return nullptr;
  });
}

/** maxPoolGrad(shape, x, dy, dx) */
napi_value max_pool_grad(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    arg_at(env, info, 4, a);
    auto s = pool_shape(ints(env, a[0], 14, "shape"));
    const size_t in = pool_in(s), out = pool_out(s);
    engine::max_pool_backward(s, floats(env, a[1], in, "x"), floats(env, a[2], out, "dy"), floats(env, a[3], in, "dx"));
    return nullptr;
  });
}

/** avgPool(shape, x, y) */
napi_value avg_pool(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[3];
    arg_at(env, info, 3, a);
    auto s = pool_shape(ints(env, a[0], 14, "shape"));
    const size_t in = pool_in(s), out = pool_out(s);
    engine::avg_pool_forward(s, floats(env, a[1], in, "x"), floats(env, a[2], out, "y"));
    return nullptr;
  });
}

/** avgPoolGrad(shape, dy, dx) */
napi_value avg_pool_grad(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[3];
    arg_at(env, info, 3, a);
    auto s = pool_shape(ints(env, a[0], 14, "shape"));
    const size_t in = pool_in(s), out = pool_out(s);
    engine::avg_pool_backward(s, floats(env, a[1], out, "dy"), floats(env, a[2], in, "dx"));
    return nullptr;
  });
}

/** matMul(transA, transB, M, N, K, a, b, c, bias|null, activation, alpha): c[M×N] = act(op(a)·op(b) + bias) */
napi_value mat_mul(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[11];
    arg_at(env, info, 11, a);
    bool ta = boolean(env, a[0]), tb = boolean(env, a[1]);
    long M = static_cast<long>(number(env, a[2])), N = static_cast<long>(number(env, a[3])), K = static_cast<long>(number(env, a[4]));
    positive(M, "M");
    positive(N, "N");
    if (K < 0 || M * N > 1L << 31 || M * K > 1L << 31 || K * N > 1L << 31) throw Fail{"matrix too large"};
    const float* A = floats(env, a[5], M * K, "a");
    const float* B = floats(env, a[6], K * N, "b");
    float* C = floats(env, a[7], M * N, "c");
    const float* bias = is_null(env, a[8]) ? nullptr : floats(env, a[8], N, "bias");
    engine::sgemm(ta, tb, M, N, K, A, ta ? M : K, B, tb ? K : N, C, N, false);
    engine::bias_activation(C, M, N, bias, activation(number(env, a[9])), static_cast<float>(number(env, a[10])));
    return nullptr;
  });
}

long integer(napi_env env, napi_value v, const char* name) {
  double d = number(env, v);
  if (d < 0 || d != static_cast<double>(static_cast<long>(d))) throw Fail{std::string(name) + " must be a non-negative integer"};
  return static_cast<long>(d);
}

/** Values an operand needs for its broadcast mode over n outputs. */
size_t operand_need(engine::Broadcast mode, long param, long n) {
  switch (mode) {
    case engine::Broadcast::full:
      return n;
    case engine::Broadcast::scalar:
      return 1;
    case engine::Broadcast::inner:
      positive(param, "inner broadcast length");
      if (n % param) throw Fail{"inner broadcast length must divide the output size"};
      return param;
    case engine::Broadcast::outer:
      positive(param, "outer broadcast repeat");
      if (n % param) throw Fail{"outer broadcast repeat must divide the output size"};
      return n / param;
  }
  throw Fail{"unknown broadcast mode"};
}

/** binary(op, n, a, aMode, aParam, b, bMode, bParam, out) */
napi_value binary(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[9];
    arg_at(env, info, 9, a);
    long op = integer(env, a[0], "op"), n = integer(env, a[1], "n");
    long am = integer(env, a[3], "aMode"), ap = integer(env, a[4], "aParam"), bm = integer(env, a[6], "bMode"), bp = integer(env, a[7], "bParam");
    if (op > 9 || am > 3 || bm > 3) throw Fail{"unknown op or broadcast mode"};
    auto amode = static_cast<engine::Broadcast>(am), bmode = static_cast<engine::Broadcast>(bm);
    const float* A = floats(env, a[2], operand_need(amode, ap, n), "a");
    const float* B = floats(env, a[5], operand_need(bmode, bp, n), "b");
    engine::binary(static_cast<engine::BinaryOp>(op), n, A, amode, ap, B, bmode, bp, floats(env, a[8], n, "out"));
    return nullptr;
  });
}

/** How many values an operand read with `strides` over `shape` needs: its last offset, plus one. */
size_t strided_need(const int* shape, const int* strides, int rank) {
  size_t last = 0;
  for (int d = 0; d < rank; d++) {
    positive(shape[d], "every output dimension");
    if (strides[d] < 0) throw Fail{"strides must not be negative"};
    last += static_cast<size_t>(shape[d] - 1) * strides[d];
  }
  return last + 1;
}

/** The operands of a strided binary op or comparison: args[1..5] = shape, a, aStrides, b, bStrides. */
struct Strided {
  int rank;
  const int* shape;
  const float* a;
  const int* as;
  const float* b;
  const int* bs;
  size_t n;  // the output's element count
};

Strided strided_operands(napi_env env, const napi_value* args) {
  const size_t rank = length_of(env, args[1]);
  if (rank < 1 || rank > 8) throw Fail{"shape must have 1 to 8 dimensions"};
  Strided s{static_cast<int>(rank), ints(env, args[1], rank, "shape"), nullptr, ints(env, args[3], rank, "aStrides"), nullptr, ints(env, args[5], rank, "bStrides"), 1};
  for (int d = 0; d < s.rank; d++) s.n *= static_cast<size_t>(s.shape[d]);
  s.a = floats(env, args[2], strided_need(s.shape, s.as, s.rank), "a");
  s.b = floats(env, args[4], strided_need(s.shape, s.bs, s.rank), "b");
  return s;
}

/** binaryStrided(op, shape, a, aStrides, b, bStrides, out) */
napi_value binary_strided(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[7];
    arg_at(env, info, 7, a);
    long op = integer(env, a[0], "op");
    if (op > 9) throw Fail{"unknown op"};
    const Strided s = strided_operands(env, a);
    engine::binary_strided(static_cast<engine::BinaryOp>(op), s.rank, s.shape, s.a, s.as, s.b, s.bs, floats(env, a[6], s.n, "out"));
    return nullptr;
  });
}

/** channelAffine(x, scale, shift, channels, y) */
napi_value channel_affine(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[5];
    arg_at(env, info, 5, a);
    long channels = integer(env, a[3], "channels");
    positive(channels, "channels");
    const size_t n = length_of(env, a[0]);
    if (n % channels) throw Fail{"x's length must be a multiple of channels"};
    engine::channel_affine(static_cast<long>(n), floats(env, a[0], n, "x"), floats(env, a[1], channels, "scale"), floats(env, a[2], channels, "shift"), channels, floats(env, a[4], n, "y"));
    return nullptr;
  });
}

/** tile(x, inShape, reps, y) */
napi_value tile(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    arg_at(env, info, 4, a);
    const size_t rank = length_of(env, a[1]);
    if (rank > 8) throw Fail{"at most 8 dimensions"};
    const int* in = ints(env, a[1], rank, "inShape");
    const int* reps = ints(env, a[2], rank, "reps");
    size_t n_in = 1, n_out = 1;
    for (size_t d = 0; d < rank; d++) {
      positive(in[d], "every input dimension");
      positive(reps[d], "every repeat");
      n_in *= static_cast<size_t>(in[d]);
      n_out *= static_cast<size_t>(in[d]) * reps[d];
    }
    engine::tile(floats(env, a[0], n_in, "x"), in, reps, static_cast<int>(rank), floats(env, a[3], n_out, "y"));
    return nullptr;
  });
}

/** softmaxRows(x, rows, cols, y) / argMaxRows(x, rows, cols, out: Int32Array) */
napi_value softmax_rows(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    arg_at(env, info, 4, a);
    long rows = integer(env, a[1], "rows"), cols = integer(env, a[2], "cols");
    positive(cols, "cols");
    engine::softmax_rows(floats(env, a[0], rows * cols, "x"), rows, cols, floats(env, a[3], rows * cols, "y"));
    return nullptr;
  });
}

napi_value argmax_rows(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    arg_at(env, info, 4, a);
    long rows = integer(env, a[1], "rows"), cols = integer(env, a[2], "cols");
    positive(cols, "cols");
    auto* out = static_cast<int32_t*>(typed(env, a[3], napi_int32_array, rows, "out", "Int32Array"));
    engine::argmax_rows(floats(env, a[0], rows * cols, "x"), rows, cols, out);
    return nullptr;
  });
}

/** clip(n, x, lo, hi, y) */
napi_value clip(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[5];
    arg_at(env, info, 5, a);
    long n = integer(env, a[0], "n");
    engine::clip(n, floats(env, a[1], n, "x"), static_cast<float>(number(env, a[2])), static_cast<float>(number(env, a[3])), floats(env, a[4], n, "y"));
    return nullptr;
  });
}

/** compareStrided(op, shape, a, aStrides, b, bStrides, out: Uint8Array) */
napi_value compare_strided(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[7];
    arg_at(env, info, 7, a);
    long op = integer(env, a[0], "op");
    if (op > 5) throw Fail{"unknown comparison"};
    const Strided s = strided_operands(env, a);
    auto* out = static_cast<uint8_t*>(typed(env, a[6], napi_uint8_array, s.n, "out", "Uint8Array"));
    engine::compare_strided(static_cast<engine::CompareOp>(op), s.rank, s.shape, s.a, s.as, s.b, s.bs, out);
    return nullptr;
  });
}

/** select(n, cond: Uint8Array, a, b, out) */
napi_value select(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[5];
    arg_at(env, info, 5, a);
    long n = integer(env, a[0], "n");
    const auto* cond = static_cast<const uint8_t*>(typed(env, a[1], napi_uint8_array, n, "cond", "Uint8Array"));
    engine::select(n, cond, floats(env, a[2], n, "a"), floats(env, a[3], n, "b"), floats(env, a[4], n, "out"));
    return nullptr;
  });
}

/** The rows and channels of an [rows, channels] Float32Array argument, checked. */
long rows_of(napi_env env, napi_value x, long C) {
  positive(C, "channels");
  const size_t n = length_of(env, x);
  if (n == 0 || n % C) throw Fail{"x's length must be a positive multiple of channels"};
  return static_cast<long>(n / C);
}

/** batchNormGrad(x, dy, mean, variance, scale|null, epsilon, channels, dx, dmean, dvar, dscale, doffset) */
napi_value batch_norm_grad(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[12];
    arg_at(env, info, 12, a);
    long C = integer(env, a[6], "channels");
    const size_t n = static_cast<size_t>(rows_of(env, a[0], C) * C);
    const float* scale = is_null(env, a[4]) ? nullptr : floats(env, a[4], C, "scale");
    engine::BatchNormGrads out{floats(env, a[7], n, "dx"), floats(env, a[8], C, "dmean"), floats(env, a[9], C, "dvar"), floats(env, a[10], C, "dscale"), floats(env, a[11], C, "doffset")};
    engine::batch_norm_backward(static_cast<long>(n / C), C, floats(env, a[0], n, "x"), floats(env, a[1], n, "dy"), floats(env, a[2], C, "mean"), floats(env, a[3], C, "variance"), scale, static_cast<float>(number(env, a[5])), out);
    return nullptr;
  });
}

/** batchNormMoments(x, channels, mean, variance) */
napi_value batch_norm_moments(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    arg_at(env, info, 4, a);
    long C = integer(env, a[1], "channels");
    long rows = rows_of(env, a[0], C);
    engine::batch_norm_moments(rows, C, floats(env, a[0], rows * C, "x"), floats(env, a[2], C, "mean"), floats(env, a[3], C, "variance"));
    return nullptr;
  });
}

/** batchNormTrainingGrad(x, dy, mean, variance, scale|null, epsilon, channels, dmeanOut|null, dvarOut|null, dx, dscale, doffset) */
napi_value batch_norm_training_grad(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[12];
    arg_at(env, info, 12, a);
    long C = integer(env, a[6], "channels");
    long rows = rows_of(env, a[0], C);
    const size_t n = static_cast<size_t>(rows * C);
    auto optional = [&](napi_value v, const char* name) -> const float* { return is_null(env, v) ? nullptr : floats(env, v, C, name); };
    engine::BatchNormTrainingGrads out{optional(a[7], "dmeanOut"), optional(a[8], "dvarOut"), floats(env, a[9], n, "dx"), floats(env, a[10], C, "dscale"), floats(env, a[11], C, "doffset")};
    engine::batch_norm_training_backward(rows, C, floats(env, a[0], n, "x"), floats(env, a[1], n, "dy"), floats(env, a[2], C, "mean"), floats(env, a[3], C, "variance"), optional(a[4], "scale"), static_cast<float>(number(env, a[5])), out);
    return nullptr;
  });
}

/** adamStep(value, grad, m, v, learningRate, beta1, beta2, epsilon, oneMinusAccBeta1, oneMinusAccBeta2, newValue, newM, newV) */
napi_value adam_step(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[13];
    arg_at(env, info, 13, a);
    const size_t n = length_of(env, a[0]);
    auto f = [&](int i) { return static_cast<float>(number(env, a[i])); };
    const engine::AdamStep p{f(4), f(5), f(6), f(7), static_cast<float>(1.0 - number(env, a[5])), static_cast<float>(1.0 - number(env, a[6])), f(8), f(9)};
    engine::adam_step(static_cast<long>(n), floats(env, a[0], n, "value"), floats(env, a[1], n, "grad"), floats(env, a[2], n, "m"), floats(env, a[3], n, "v"), p, floats(env, a[10], n, "newValue"), floats(env, a[11], n, "newM"), floats(env, a[12], n, "newV"));
    return nullptr;
  });
}

/** momentumStep(value, grad, acc, learningRate, momentum, nesterov (0|1), newValue, newAcc) */
napi_value momentum_step(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[8];
    arg_at(env, info, 8, a);
    const size_t n = length_of(env, a[0]);
    engine::momentum_step(static_cast<long>(n), floats(env, a[0], n, "value"), floats(env, a[1], n, "grad"), floats(env, a[2], n, "acc"), static_cast<float>(number(env, a[3])), static_cast<float>(number(env, a[4])), number(env, a[5]) != 0, floats(env, a[6], n, "newValue"), floats(env, a[7], n, "newAcc"));
    return nullptr;
  });
}

/** sgdStep(value, grad, learningRate, newValue) */
napi_value sgd_step(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    arg_at(env, info, 4, a);
    const size_t n = length_of(env, a[0]);
    engine::sgd_step(static_cast<long>(n), floats(env, a[0], n, "value"), floats(env, a[1], n, "grad"), static_cast<float>(number(env, a[2])), floats(env, a[3], n, "newValue"));
    return nullptr;
  });
}

/** rmspropStep(value, grad, ms, mom, mg|null, learningRate, decay, momentum, epsilon, newValue, newMs, newMom, newMg|null): centered when mg is given */
napi_value rmsprop_step(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[13];
    arg_at(env, info, 13, a);
    const size_t n = length_of(env, a[0]);
    auto f = [&](int i) { return static_cast<float>(number(env, a[i])); };
    const bool centered = !is_null(env, a[4]);
    const engine::RMSPropStep p{f(5), f(6), static_cast<float>(1.0 - number(env, a[6])), f(7), f(8)};
    engine::rmsprop_step(static_cast<long>(n), floats(env, a[0], n, "value"), floats(env, a[1], n, "grad"), floats(env, a[2], n, "ms"), floats(env, a[3], n, "mom"), centered ? floats(env, a[4], n, "mg") : nullptr, p, floats(env, a[9], n, "newValue"), floats(env, a[10], n, "newMs"), floats(env, a[11], n, "newMom"), centered ? floats(env, a[12], n, "newMg") : nullptr);
    return nullptr;
  });
}

/** adagradStep(value, grad, acc, learningRate, epsilon, newValue, newAcc) */
napi_value adagrad_step(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[7];
    arg_at(env, info, 7, a);
    const size_t n = length_of(env, a[0]);
    engine::adagrad_step(static_cast<long>(n), floats(env, a[0], n, "value"), floats(env, a[1], n, "grad"), floats(env, a[2], n, "acc"), static_cast<float>(number(env, a[3])), static_cast<float>(number(env, a[4])), floats(env, a[5], n, "newValue"), floats(env, a[6], n, "newAcc"));
    return nullptr;
  });
}

/** adadeltaStep(value, grad, accGrad, accUpdate, learningRate, rho, epsilon, newValue, newAccGrad, newAccUpdate) */
napi_value adadelta_step(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[10];
    arg_at(env, info, 10, a);
    const size_t n = length_of(env, a[0]);
    auto f = [&](int i) { return static_cast<float>(number(env, a[i])); };
    const engine::AdadeltaStep p{f(4), f(5), static_cast<float>(1.0 - number(env, a[5])), f(6)};
    engine::adadelta_step(static_cast<long>(n), floats(env, a[0], n, "value"), floats(env, a[1], n, "grad"), floats(env, a[2], n, "accGrad"), floats(env, a[3], n, "accUpdate"), p, floats(env, a[7], n, "newValue"), floats(env, a[8], n, "newAccGrad"), floats(env, a[9], n, "newAccUpdate"));
    return nullptr;
  });
}

/** adamaxStep(value, grad, m, u, beta1, beta2, epsilon, stepSize, newValue, newM, newU) */
napi_value adamax_step(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[11];
    arg_at(env, info, 11, a);
    const size_t n = length_of(env, a[0]);
    auto f = [&](int i) { return static_cast<float>(number(env, a[i])); };
    const engine::AdamaxStep p{f(4), static_cast<float>(1.0 - number(env, a[4])), f(5), f(6), f(7)};
    engine::adamax_step(static_cast<long>(n), floats(env, a[0], n, "value"), floats(env, a[1], n, "grad"), floats(env, a[2], n, "m"), floats(env, a[3], n, "u"), p, floats(env, a[8], n, "newValue"), floats(env, a[9], n, "newM"), floats(env, a[10], n, "newU"));
    return nullptr;
  });
}

/** unary(op, n, x, alpha, y) */
napi_value unary(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[5];
    arg_at(env, info, 5, a);
    long op = integer(env, a[0], "op"), n = integer(env, a[1], "n");
    if (op > 16) throw Fail{"unknown unary op"};
    engine::unary(static_cast<engine::UnaryOp>(op), n, floats(env, a[2], n, "x"), static_cast<float>(number(env, a[3])), floats(env, a[4], n, "y"));
    return nullptr;
  });
}

/** sumMiddle(x, outer, reduce, inner, y, max?) */
napi_value sum_middle(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[5];
    arg_at(env, info, 5, a);
    long outer = integer(env, a[1], "outer"), reduce = integer(env, a[2], "reduce"), inner = integer(env, a[3], "inner");
    positive(outer, "outer");
    positive(inner, "inner");
    const float* x = floats(env, a[0], static_cast<size_t>(outer) * reduce * inner, "x");
    float* y = floats(env, a[4], static_cast<size_t>(outer) * inner, "y");
    size_t argc = 6;
    napi_value all[6];
    napi_get_cb_info(env, info, &argc, all, nullptr, nullptr);
    if (argc >= 6 && !is_null(env, all[5]) && boolean(env, all[5])) {
      positive(reduce, "reduce");
      engine::max_middle(x, outer, reduce, inner, y);
    } else {
      engine::sum_middle(x, outer, reduce, inner, y);
    }
    return nullptr;
  });
}

napi_value threads(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    size_t argc = 1;
    napi_value a[1];
    napi_get_cb_info(env, info, &argc, a, nullptr, nullptr);
    if (argc >= 1 && !is_null(env, a[0])) {
      double n = number(env, a[0]);
      if (n < 1 || n > 256) throw Fail{"threads must be within 1..256"};
      engine::set_thread_count(static_cast<int>(n));
    }
    napi_value out;
    napi_create_int32(env, engine::thread_count(), &out);
    return out;
  });
}

/** directConv(on?): switches the narrow-channel direct convolution on or off (off: im2col + GEMM everywhere); returns the setting. */
napi_value direct_conv(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    size_t argc = 1;
    napi_value a[1];
    napi_get_cb_info(env, info, &argc, a, nullptr, nullptr);
    if (argc >= 1 && !is_null(env, a[0])) engine::set_direct_conv_enabled(boolean(env, a[0]));
    napi_value out;
    napi_get_boolean(env, engine::direct_conv_enabled(), &out);
    return out;
  });
}

/** Which vector instructions this build uses, for the worker's device line. */
napi_value isa(napi_env env, napi_callback_info) {
#if defined(__AVX512F__)
  const char* name = "avx512";
#elif defined(__AVX2__)
  const char* name = "avx2";
#elif defined(__AVX__)
  const char* name = "avx";
#else
  const char* name = "sse";
#endif
  napi_value out;
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &out);
  return out;
}

napi_value init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"conv2dForward", nullptr, conv2d_forward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropFilter", nullptr, conv2d_backprop_filter, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInput", nullptr, conv2d_backprop_input, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPool", nullptr, max_pool, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPoolGrad", nullptr, max_pool_grad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"matMul", nullptr, mat_mul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binary", nullptr, binary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unary", nullptr, unary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sumMiddle", nullptr, sum_middle, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"avgPool", nullptr, avg_pool, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"avgPoolGrad", nullptr, avg_pool_grad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binaryStrided", nullptr, binary_strided, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"channelAffine", nullptr, channel_affine, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tile", nullptr, tile, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"softmaxRows", nullptr, softmax_rows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"argMaxRows", nullptr, argmax_rows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"clip", nullptr, clip, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"compareStrided", nullptr, compare_strided, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"select", nullptr, select, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormGrad", nullptr, batch_norm_grad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adamStep", nullptr, adam_step, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"momentumStep", nullptr, momentum_step, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sgdStep", nullptr, sgd_step, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"rmspropStep", nullptr, rmsprop_step, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adagradStep", nullptr, adagrad_step, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adadeltaStep", nullptr, adadelta_step, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adamaxStep", nullptr, adamax_step, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormMoments", nullptr, batch_norm_moments, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormTrainingGrad", nullptr, batch_norm_training_grad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"threads", nullptr, threads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"directConv", nullptr, direct_conv, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"isa", nullptr, isa, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
