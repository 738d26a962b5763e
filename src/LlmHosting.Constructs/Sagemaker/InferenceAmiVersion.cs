using System.Globalization;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// The host AMI of a production variant (<c>InferenceAmiVersion</c>): the NVIDIA driver, and so the newest CUDA
/// version, that the instances run. A container built for a newer CUDA than the AMI's driver supports does not start
/// (the vLLM DLC's CUDA 13 images need <see cref="Al2023Gpu4_1"/>; the default AMI's driver is too old). The values
/// and their drivers are those of botocore's SageMaker model (shape <c>ProductionVariantInferenceAmiVersion</c>);
/// CloudFormation's schema accepts the property as a string, and CDK 2.160's L1 lacks it (set by property override).
/// </summary>
public sealed class InferenceAmiVersion
{
    private static readonly List<InferenceAmiVersion> Values = [];

    /// <summary>Amazon Linux 2, NVIDIA driver 535, CUDA 12.2.</summary>
    public static readonly InferenceAmiVersion Al2Gpu2 = new("al2-ami-sagemaker-inference-gpu-2", 535, new Version(12, 2), cudaCompatMounting: true);

    /// <summary>Amazon Linux 2, NVIDIA driver 535, CUDA 12.2, with the container toolkit's CUDA-compat mounting disabled.</summary>
    public static readonly InferenceAmiVersion Al2Gpu2_1 = new("al2-ami-sagemaker-inference-gpu-2-1", 535, new Version(12, 2), cudaCompatMounting: false);

    /// <summary>Amazon Linux 2, NVIDIA driver 550, CUDA 12.4, with the container toolkit's CUDA-compat mounting disabled.</summary>
    public static readonly InferenceAmiVersion Al2Gpu3_1 = new("al2-ami-sagemaker-inference-gpu-3-1", 550, new Version(12, 4), cudaCompatMounting: false);

    /// <summary>
    /// Amazon Linux 2023, NVIDIA driver 580, CUDA 13.0, with the container toolkit's CUDA-compat mounting disabled: the
    /// AMI the vLLM DLC's own SageMaker endpoint test uses for its <c>cu130</c> images.
    /// </summary>
    public static readonly InferenceAmiVersion Al2023Gpu4_1 = new("al2023-ami-sagemaker-inference-gpu-4-1", 580, new Version(13, 0), cudaCompatMounting: false);

    /// <summary>Amazon Linux 2 for Inferentia2 and Trainium (Neuron driver 2.19): no GPU, so no vLLM GPU image runs on it.</summary>
    public static readonly InferenceAmiVersion Al2Neuron2 = new("al2-ami-sagemaker-inference-neuron-2", null, null, cudaCompatMounting: false);

    /// <summary>Every known value, in the order above.</summary>
    public static IReadOnlyList<InferenceAmiVersion> All => Values;

    /// <summary>The value SageMaker expects, for example <c>al2023-ami-sagemaker-inference-gpu-4-1</c>.</summary>
    public string Value { get; }

    /// <summary>The NVIDIA driver's major version, or null for an AMI without GPUs.</summary>
    public int? NvidiaDriver { get; }

    /// <summary>The newest CUDA version the driver runs, or null for an AMI without GPUs.</summary>
    public Version? CudaVersion { get; }

    /// <summary>True when the container toolkit mounts CUDA forward-compatibility libraries into the container.</summary>
    public bool CudaCompatMounting { get; }

    /// <summary>
    /// The value named <paramref name="value"/>, or throws <see cref="ArgumentException"/> listing the known ones. A
    /// newer AMI that this library does not know yet is accepted with <see cref="Custom"/>.
    /// </summary>
    /// <param name="value">For example <c>al2023-ami-sagemaker-inference-gpu-4-1</c>.</param>
    public static InferenceAmiVersion Of(string value)
        => Values.FirstOrDefault(v => v.Value == value)
           ?? throw new ArgumentException($"Unknown InferenceAmiVersion '{value}'; known values: {string.Join(", ", Values.Select(v => v.Value))} (use InferenceAmiVersion.Custom for a newer one).", nameof(value));

    /// <summary>
    /// An AMI this library does not list yet, with the CUDA version its driver supports (from botocore's
    /// documentation of the value), so that it can still be checked against the image.
    /// </summary>
    /// <param name="value">The AMI version name.</param>
    /// <param name="nvidiaDriver">Its NVIDIA driver's major version.</param>
    /// <param name="cudaVersion">The newest CUDA version its driver runs, for example 13.0.</param>
    public static InferenceAmiVersion Custom(string value, int nvidiaDriver, Version cudaVersion)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        ArgumentNullException.ThrowIfNull(cudaVersion);
        return new InferenceAmiVersion(value, nvidiaDriver, cudaVersion, cudaCompatMounting: false, register: false);
    }

    private InferenceAmiVersion(string value, int? nvidiaDriver, Version? cudaVersion, bool cudaCompatMounting, bool register = true)
    {
        Value = value;
        NvidiaDriver = nvidiaDriver;
        CudaVersion = cudaVersion;
        CudaCompatMounting = cudaCompatMounting;
        if (register)
        {
            Values.Add(this);
        }
    }

    /// <summary>
    /// The default AMI for an image built for <paramref name="imageCuda"/>: the oldest known GPU AMI whose driver runs
    /// that CUDA version, among those with CUDA-compat mounting disabled (the variant AWS recommends with the DLCs).
    /// Null when no known AMI runs it.
    /// </summary>
    /// <param name="imageCuda">The image's CUDA version, for example 13.0 for a <c>cu130</c> tag.</param>
    public static InferenceAmiVersion? DefaultFor(Version imageCuda)
        => Values.Where(v => v.CudaVersion is { } cuda && !v.CudaCompatMounting && cuda >= imageCuda)
            .OrderBy(v => v.CudaVersion)
            .FirstOrDefault();

    /// <summary>
    /// The problem of running an image built for <paramref name="imageCuda"/> on this AMI, or null when it fits.
    /// </summary>
    /// <param name="imageCuda">The image's CUDA version.</param>
    /// <param name="image">How to name the image in the message.</param>
    /// <param name="property">How to name the property that chose this AMI.</param>
    internal string? MisfitWith(Version imageCuda, string image, string property = "InferenceAmiVersion")
    {
        if (CudaVersion is null)
        {
            return $"{property} {Value} has no NVIDIA GPU driver (Inferentia/Trainium), but image {image} needs CUDA {Format(imageCuda)}";
        }

        return CudaVersion >= imageCuda
            ? null
            : $"{property} {Value} (NVIDIA driver {NvidiaDriver}, CUDA {Format(CudaVersion)}) cannot run image {image}, built for CUDA {Format(imageCuda)}; "
              + (DefaultFor(imageCuda) is { } fit ? $"use {fit.Value} or leave {property} unset" : "no known AMI runs it");
    }

    /// <inheritdoc />
    public override string ToString() => Value;

    internal static string Format(Version version) => version.ToString(2);

    /// <summary>The CUDA version a DLC-style tag names (<c>cu130</c> is 13.0, <c>cu124</c> 12.4), or null.</summary>
    internal static Version? CudaFromTag(string? tag)
    {
        if (tag is null)
        {
            return null;
        }

        var match = System.Text.RegularExpressions.Regex.Match(tag, @"(?:^|[-_.])cu(\d{2,3})(?:$|[-_.])", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        if (!match.Success)
        {
            return null;
        }

        var digits = match.Groups[1].Value;
        return new Version(int.Parse(digits[..^1], CultureInfo.InvariantCulture), int.Parse(digits[^1..], CultureInfo.InvariantCulture));
    }
}
