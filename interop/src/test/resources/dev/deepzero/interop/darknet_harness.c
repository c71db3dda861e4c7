/* Runs real darknet (Debian's libdarknet) for the interop tests; compiled by the test into a temporary folder.
 *   harness predict CFG WEIGHTS IN OUT N   runs network_predict on N inputs (raw float32, CHW) from IN,
 *                                          writes the N outputs to OUT, prints "inputs outputs"
 *   harness init CFG WEIGHTS SEED          builds the cfg's network with darknet's own random initialisation,
 *                                          gives biases and batch-norm statistics random values (a fresh
 *                                          network has rolling_variance 0) and saves it with save_weights */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "darknet.h"

static float uniform(float lo, float hi) { return lo + (hi - lo) * (float) rand() / (float) RAND_MAX; }

int main(int argc, char **argv) {
  if (argc == 7 && strcmp(argv[1], "predict") == 0) {
    network *net = load_network(argv[2], argv[3], 0);
    set_batch_network(net, 1);
    int n = atoi(argv[6]);
    FILE *in = fopen(argv[4], "rb");
    FILE *out = fopen(argv[5], "wb");
    if (!in || !out) { perror("open"); return 2; }
    float *x = malloc(sizeof(float) * net->inputs);
    for (int i = 0; i < n; i++) {
      if (fread(x, sizeof(float), net->inputs, in) != (size_t) net->inputs) { fprintf(stderr, "short input\n"); return 3; }
      float *y = network_predict(net, x);
      fwrite(y, sizeof(float), net->outputs, out);
    }
    fclose(in);
    fclose(out);
    printf("%d %d\n", net->inputs, net->outputs);
    return 0;
  }
  if (argc == 5 && strcmp(argv[1], "init") == 0) {
    srand(atoi(argv[4]));
    network *net = parse_network_cfg(argv[2]);
    for (int i = 0; i < net->n; i++) {
      layer l = net->layers[i];
      int n = l.type == CONVOLUTIONAL ? l.n : l.type == CONNECTED ? l.outputs : 0;
      for (int j = 0; j < n; j++) {
        l.biases[j] = uniform(-0.5f, 0.5f);
        if (l.batch_normalize) {
          l.scales[j] = uniform(0.5f, 1.5f);
          l.rolling_mean[j] = uniform(-0.5f, 0.5f);
          l.rolling_variance[j] = uniform(0.2f, 2.0f);
        }
      }
    }
    save_weights(net, argv[3]);
    printf("%d %d\n", net->inputs, net->outputs);
    return 0;
  }
  fprintf(stderr, "usage: harness predict CFG WEIGHTS IN OUT N | harness init CFG WEIGHTS SEED\n");
  return 1;
}
