/*
 * The reference for the agent's timings: TensorFlow Lite's C API invoked in a bare loop, in a process that shares
 * none of the agent's code. It loads the same libjnitensorflowlite.so the agent loads (its C API symbols are
 * exported) with dlopen, so the build compiles against no TFLite headers.
 *
 * usage: tflite_loop LIB.so MODEL.tflite THREADS WARMUP RUNS MIN_SECONDS cpu|xnnpack
 * prints: {"p50_ms":..,"mean_ms":..,"runs":..,"init_ms":..,"delegate":".."}
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void *(*model_create_fn)(const char *);
typedef void *(*options_create_fn)(void);
typedef void (*options_threads_fn)(void *, int);
typedef void (*options_delegate_fn)(void *, void *);
typedef void *(*interpreter_create_fn)(void *, void *);
typedef int (*status_fn)(void *);
typedef void *(*tensor_fn)(void *, int);
typedef size_t (*byte_size_fn)(const void *);
typedef void *(*tensor_data_fn)(const void *);
/* TfLiteXNNPackDelegateOptions is larger than 16 bytes, so both x86-64 and arm64 return it through a caller buffer:
 * a buffer larger than the real struct is safe, and its first field is num_threads (int32). */
typedef struct { _Alignas(16) unsigned char bytes[512]; } xnnpack_options;
typedef xnnpack_options (*xnnpack_defaults_fn)(void);
typedef void *(*xnnpack_create_fn)(const xnnpack_options *);

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void *need(void *lib, const char *name) {
  void *f = dlsym(lib, name);
  if (!f) {
    fprintf(stderr, "tflite_loop: %s not found in the library\n", name);
    exit(1);
  }
  return f;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: tflite_loop LIB.so MODEL.tflite THREADS WARMUP RUNS MIN_SECONDS cpu|xnnpack\n");
    return 2;
  }
  int threads = atoi(argv[3]), warmup = atoi(argv[4]), runs = atoi(argv[5]);
  double min_ms = atof(argv[6]) * 1e3;
  int xnnpack = strcmp(argv[7], "xnnpack") == 0;
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "tflite_loop: %s\n", dlerror());
    return 1;
  }
  double start = now_ms();
  void *model = ((model_create_fn)need(lib, "TfLiteModelCreateFromFile"))(argv[2]);
  if (!model) {
    fprintf(stderr, "tflite_loop: TFLite could not read %s\n", argv[2]);
    return 1;
  }
  void *options = ((options_create_fn)need(lib, "TfLiteInterpreterOptionsCreate"))();
  ((options_threads_fn)need(lib, "TfLiteInterpreterOptionsSetNumThreads"))(options, threads);
  if (xnnpack) {
    xnnpack_options o = ((xnnpack_defaults_fn)need(lib, "TfLiteXNNPackDelegateOptionsDefault"))();
    memcpy(o.bytes, &threads, sizeof threads);
    void *delegate = ((xnnpack_create_fn)need(lib, "TfLiteXNNPackDelegateCreate"))(&o);
    ((options_delegate_fn)need(lib, "TfLiteInterpreterOptionsAddDelegate"))(options, delegate);
  }
  void *interpreter = ((interpreter_create_fn)need(lib, "TfLiteInterpreterCreate"))(model, options);
  if (!interpreter || ((status_fn)need(lib, "TfLiteInterpreterAllocateTensors"))(interpreter) != 0) {
    fprintf(stderr, "tflite_loop: TFLite could not prepare %s\n", argv[2]);
    return 1;
  }
  double init_ms = now_ms() - start;
  void *input = ((tensor_fn)need(lib, "TfLiteInterpreterGetInputTensor"))(interpreter, 0);
  float *values = ((tensor_data_fn)need(lib, "TfLiteTensorData"))(input);
  size_t n = ((byte_size_fn)need(lib, "TfLiteTensorByteSize"))(input) / sizeof(float);
  unsigned long long state = 1;
  for (size_t i = 0; i < n; i++) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    values[i] = (float)((state >> 40) / (double)(1ULL << 24));
  }
  status_fn invoke = (status_fn)need(lib, "TfLiteInterpreterInvoke");
  for (int i = 0; i < warmup; i++) {
    invoke(interpreter);
  }
  size_t capacity = runs > 16 ? (size_t)runs : 16, count = 0;
  double *ms = malloc(capacity * sizeof *ms);
  double measure_start = now_ms();
  while ((int)count < runs || now_ms() - measure_start < min_ms) {
    double t = now_ms();
    if (invoke(interpreter) != 0) {
      fprintf(stderr, "tflite_loop: Invoke failed\n");
      return 1;
    }
    if (count == capacity) {
      capacity *= 2;
      ms = realloc(ms, capacity * sizeof *ms);
    }
    ms[count++] = now_ms() - t;
  }
  double sum = 0;
  for (size_t i = 0; i < count; i++) {
    sum += ms[i];
  }
  qsort(ms, count, sizeof *ms, by_value);
  double p50 = count % 2 ? ms[count / 2] : (ms[count / 2 - 1] + ms[count / 2]) / 2;
  printf("{\"p50_ms\":%.6f,\"mean_ms\":%.6f,\"runs\":%zu,\"init_ms\":%.3f,\"delegate\":\"%s\"}\n", p50, sum / count,
         count, init_ms, xnnpack ? "xnnpack" : "cpu");
  return 0;
}
