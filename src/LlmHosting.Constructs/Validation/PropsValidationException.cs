namespace LlmHosting.Constructs.Validation;

/// <summary>
/// One problem of a props object. <see cref="Message"/> names properties with markers (<see cref="Property.Ref"/>),
/// so that each reader names them in its own vocabulary: the library by the property's name (<c>MaxInstanceCount</c>),
/// an app's configuration layer by the key its users edit (<c>endpoints[0].maxInstances</c>).
/// </summary>
/// <param name="Property">The property the problem is about, as a dotted path (<c>Vllm.TensorParallelSize</c>).</param>
/// <param name="Message">What is wrong and what is allowed, with property markers.</param>
public sealed record PropsProblem(string Property, string Message)
{
    /// <summary>The message with every property named by <paramref name="name"/> (default: the property path itself).</summary>
    /// <param name="name">Names a property path; given the path of each marker.</param>
    public string Render(Func<string, string>? name = null) => Validation.Property.Render(Message, name ?? (p => p));

    /// <inheritdoc />
    public override string ToString() => Render();
}

/// <summary>
/// Invalid props of a construct: every problem at once, as <see cref="PropsProblem"/>s that an app can translate into
/// its own vocabulary. The message names the properties as the construct does, for example
/// <c>Invalid VllmEndpointProps: MaxInstanceCount 1 is below MinInstanceCount 2.</c>
/// </summary>
public sealed class PropsValidationException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="propsType">The props class, for example <c>VllmEndpointProps</c>.</param>
    /// <param name="subject">What was being created, for the message (for example <c>component 'x' on endpoint y</c>), or null.</param>
    /// <param name="problems">Every problem found.</param>
    public PropsValidationException(string propsType, string? subject, IReadOnlyList<PropsProblem> problems)
        : base($"Invalid {propsType}{(subject is null ? "" : " for " + subject)}: {string.Join("; ", problems.Select(p => p.Render()))}.")
    {
        PropsType = propsType;
        Subject = subject;
        Problems = problems;
    }

    /// <summary>The props class, for example <c>VllmEndpointProps</c>.</summary>
    public string PropsType { get; }

    /// <summary>What was being created, or null.</summary>
    public string? Subject { get; }

    /// <summary>Every problem, in the order found.</summary>
    public IReadOnlyList<PropsProblem> Problems { get; }
}

/// <summary>Property markers in problem messages.</summary>
public static class Property
{
    private const char Open = '\u27e8';
    private const char Close = '\u27e9';

    /// <summary>A marker naming the property at <paramref name="path"/> (a dotted path such as <c>Vllm.MaxModelLength</c>).</summary>
    /// <param name="path">The property path.</param>
    public static string Ref(string path) => Open + path + Close;

    /// <summary>The text with every marker replaced by <paramref name="name"/>(path).</summary>
    /// <param name="text">A problem message.</param>
    /// <param name="name">Names a property path.</param>
    public static string Render(string text, Func<string, string> name)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new System.Text.StringBuilder(text.Length);
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf(Open, position);
            var close = open < 0 ? -1 : text.IndexOf(Close, open);
            if (open < 0 || close < 0)
            {
                result.Append(text, position, text.Length - position);
                break;
            }

            result.Append(text, position, open - position).Append(name(text[(open + 1)..close]));
            position = close + 1;
        }

        return result.ToString();
    }
}

/// <summary>Collects the problems of a props object and throws them all at once.</summary>
internal sealed class PropsProblems(string propsType)
{
    private readonly List<PropsProblem> _problems = [];

    internal int Count => _problems.Count;

    /// <summary>Adds a problem about <paramref name="property"/>; the message names it with <see cref="Property.Ref"/>.</summary>
    internal void Add(string property, string message) => _problems.Add(new PropsProblem(property, message));

    /// <summary>Adds problems found by a part of the construct.</summary>
    internal void AddRange(IEnumerable<PropsProblem> problems) => _problems.AddRange(problems);

    internal IReadOnlyList<PropsProblem> ToList() => _problems;

    /// <summary>Throws a <see cref="PropsValidationException"/> when there is any problem.</summary>
    internal void ThrowIfAny(string? subject = null)
    {
        if (_problems.Count > 0)
        {
            throw new PropsValidationException(propsType, subject, _problems);
        }
    }
}
