using System.Text.RegularExpressions;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.App.Configuration;

/// <summary>
/// Creates the constructs of an environment from its configuration and collects, instead of throwing, the problems
/// they find in their props, each in the configuration's words (<see cref="PropsKeys"/>): the stack goes on with the
/// next entry, so that one synthesis names every mistake of the file.
/// </summary>
/// <param name="source">The environment's file, for example <c>cdk/config/prod.json</c>.</param>
internal sealed partial class ConstructProblems(string source)
{
    private readonly List<string> _problems = [];

    /// <summary>The construct <paramref name="create"/> makes, or null when its props are invalid (the problems are kept).</summary>
    /// <typeparam name="T">The construct type.</typeparam>
    /// <param name="keys">Where the construct's props come from in the file.</param>
    /// <param name="create">Maps the configuration onto props and creates the construct.</param>
    internal T? Create<T>(PropsKeys keys, Func<T> create)
        where T : class
    {
        try
        {
            return create();
        }
        catch (PropsValidationException e)
        {
            Add(e.Problems.Select(keys.Render));
        }
        catch (ArgumentException e)
        {
            Add([keys.Render(e)]);
        }
        catch (Exception e) when (DuplicateId().Match(e.Message) is { Success: true } match)
        {
            // CDK refuses a second child of one id; ids made from the configuration are checked at load time, so this
            // one is an id the construct library uses itself.
            Add([$"{keys.EntryPath}: its name makes the construct id {match.Groups[1].Value}, which the construct library already uses in that scope; choose another name"]);
        }

        return null;
    }

    // A setting of the component endpoint can fail each of its components the same way: one line says it.
    private void Add(IEnumerable<string> problems) => _problems.AddRange(problems.Where(p => !_problems.Contains(p)));

    /// <summary>Throws every problem found, one line each, when there is any.</summary>
    internal void ThrowIfAny() => ConfigurationException.ThrowIfAny(source, _problems);

    /// <summary>The problems found so far, for a construct that everything else needs.</summary>
    internal ConfigurationException Failure() => ConfigurationException.In(source, _problems);

    [GeneratedRegex("There is already a Construct with name '([^']*)'", RegexOptions.CultureInvariant)]
    private static partial Regex DuplicateId();
}
