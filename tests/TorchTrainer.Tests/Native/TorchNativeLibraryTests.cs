using TorchSharp;
using static TorchSharp.torch;

namespace TorchTrainer.Tests.Native;

public class TorchNativeLibraryTests
{
    [Fact]
    public void EnsureLoaded_from_many_threads_at_once_leaves_TorchSharp_usable_on_each()
    {
        var sums = new float[8];

        Parallel.For(0, sums.Length, i =>
        {
            TorchNativeLibrary.EnsureLoaded();
            using var filled = full(new long[] { 2 }, (float)i);
            using var sum = filled.sum();
            sums[i] = sum.item<float>();
        });

        Assert.Equal(new float[] { 0, 2, 4, 6, 8, 10, 12, 14 }, sums);
    }

    [Fact]
    public void Matmul_and_backward_run_in_the_test_process()
    {
        TorchNativeLibrary.EnsureLoaded();
        using var a = tensor(new float[] { 1, 2, 3, 4 }, 2, 2).requires_grad_();
        using var b = tensor(new float[] { 5, 6, 7, 8 }, 2, 2);

        using var product = matmul(a, b);
        using var total = product.sum();
        total.backward();

        // [[1,2],[3,4]] @ [[5,6],[7,8]] = [[19,22],[43,50]]
        Assert.Equal(new float[] { 19, 22, 43, 50 }, product.data<float>().ToArray());
        Assert.Equal(134f, total.item<float>());
        // d(sum(a @ b))/da[i,k] = sum_j b[k,j]: the row sums of b, 11 and 15, in every row.
        Assert.Equal(new float[] { 11, 15, 11, 15 }, a.grad!.data<float>().ToArray());
    }
}
