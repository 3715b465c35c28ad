/**
 * Running a trained, typically pruned, model inside a JVM service.
 *
 * <pre>{@code
 * InferenceModel model = InferenceModel.load(Path.of("runs/lenet5-40x/model.safetensors")); // or model.a4jc
 * int digit = model.predict(image);               // image: 28×28 floats, (p/255 − 0.1307)/0.3081 for MNIST
 * int[] digits = model.predictBatch(images, n);   // n images back to back
 * }</pre>
 *
 * <p>Load once, share the instance: calls from any number of threads run at once, each on its own
 * per-thread buffers, and allocate nothing but the returned value. Convolution and fully connected layers
 * whose weights are sparse enough run on {@code org.admm4j.kernels.SparseBlas} (CSR weights, im2col of the
 * active filter taps only); {@link org.admm4j.nn.inference.InferenceModel#plan()} says which.
 */
package org.admm4j.nn.inference;
