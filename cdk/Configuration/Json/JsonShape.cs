using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmHosting.App.Configuration.Json;

/// <summary>
/// What the configuration records expect at one place of an environment file, derived from their C# types: a string, a
/// whole number, a number, true or false, a list, a map or a section with known keys. Checking a document against it
/// names every misfit by its JSON path in the user's words ("must be a whole number"), so that the binding that follows
/// cannot fail with a .NET type name, take the last of two equal keys, or put a null where none is allowed. A new
/// configuration key needs no change here: its property is its shape.
/// </summary>
internal abstract class JsonShape
{
    private JsonShape(bool acceptsNull) => AcceptsNull = acceptsNull;

    /// <summary>True when <c>null</c> is a valid value here (a nullable property or element).</summary>
    private bool AcceptsNull { get; }

    /// <summary>What the value must be, for messages: <c>a whole number</c>, <c>a list</c>...</summary>
    private protected abstract string Expected { get; }

    /// <summary>The shape of a configuration section (a record), read from its public settable properties.</summary>
    /// <param name="type">The record type, for example <see cref="EnvironmentConfig"/>.</param>
    internal static JsonShape OfSection(Type type) => new SectionShape(type, acceptsNull: false, new NullabilityInfoContext());

    /// <summary>Adds a problem for every misfit of <paramref name="element"/> and what it holds.</summary>
    /// <param name="element">The value.</param>
    /// <param name="path">Its JSON path (empty for the whole file).</param>
    /// <param name="problems">Where problems are added.</param>
    internal void Check(JsonElement element, string path, ICollection<string> problems)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            if (!AcceptsNull)
            {
                problems.Add($"{Name(path)} must be {Expected}, not null");
            }

            return;
        }

        CheckValue(element, path, problems);
    }

    private protected abstract void CheckValue(JsonElement element, string path, ICollection<string> problems);

    private protected void Misfit(JsonElement element, string path, ICollection<string> problems)
        => problems.Add($"{Name(path)} must be {Expected}, not {Describe(element)}");

    /// <summary>How a value is named in messages: <c>the string "two"</c>, <c>the number 1.5</c>, <c>a list</c>...</summary>
    internal static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"the string {Quote(element.GetString()!)}",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    /// <summary>The path of a key below <paramref name="path"/>: <c>endpoints[0].vllm</c>, or <c>extraFlags["a b"]</c> for odd keys.</summary>
    internal static string Key(string path, string key)
        => key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? (path.Length == 0 ? key : $"{path}.{key}")
            : $"{path}[{Quote(key)}]";

    private static string Name(string path) => path.Length == 0 ? "the file" : path;

    private static string Quote(string value)
        => JsonSerializer.Serialize(value.Length > 60 ? value[..60] + "..." : value);

    private static JsonShape For(Type type, NullabilityInfo nullability, NullabilityInfoContext context)
    {
        var nullable = nullability.ReadState == NullabilityState.Nullable || Nullable.GetUnderlyingType(type) is not null;
        var valueType = Nullable.GetUnderlyingType(type) ?? type;
        if (valueType == typeof(string))
        {
            return new ScalarShape(nullable, "a string", e => e.ValueKind == JsonValueKind.String);
        }

        if (valueType == typeof(bool))
        {
            return new ScalarShape(nullable, "true or false", e => e.ValueKind is JsonValueKind.True or JsonValueKind.False);
        }

        if (valueType == typeof(int))
        {
            return new WholeNumberShape(nullable);
        }

        if (valueType == typeof(double))
        {
            // JSON has no infinity: 1e999 parses as one, which no setting means.
            return new ScalarShape(nullable, "a finite number", e => e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var d) && double.IsFinite(d));
        }

        if (valueType.IsGenericType && valueType.GetGenericTypeDefinition() is var generic)
        {
            var arguments = valueType.GetGenericArguments();
            if (generic == typeof(List<>) || generic == typeof(IReadOnlyList<>))
            {
                return new ListShape(nullable, For(arguments[0], nullability.GenericTypeArguments[0], context));
            }

            if ((generic == typeof(Dictionary<,>) || generic == typeof(IReadOnlyDictionary<,>)) && arguments[0] == typeof(string))
            {
                return new MapShape(nullable, For(arguments[1], nullability.GenericTypeArguments[1], context));
            }
        }

        if (valueType.IsClass && valueType.Namespace == typeof(EnvironmentConfig).Namespace)
        {
            return new SectionShape(valueType, nullable, context);
        }

        // A configuration property of another type needs a shape here before it can be read.
        throw new NotSupportedException($"No JSON shape for configuration type {valueType}.");
    }

    private sealed class ScalarShape(bool acceptsNull, string expected, Func<JsonElement, bool> fits) : JsonShape(acceptsNull)
    {
        private protected override string Expected => expected;

        private protected override void CheckValue(JsonElement element, string path, ICollection<string> problems)
        {
            if (!fits(element))
            {
                Misfit(element, path, problems);
            }
        }
    }

    private sealed class WholeNumberShape(bool acceptsNull) : JsonShape(acceptsNull)
    {
        private protected override string Expected => "a whole number";

        private protected override void CheckValue(JsonElement element, string path, ICollection<string> problems)
        {
            if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out _))
            {
                return;
            }

            if (element.ValueKind == JsonValueKind.Number && element.GetRawText().TrimStart('-').All(char.IsAsciiDigit))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{Name(path)} {element.GetRawText()} is out of range: it must be a whole number from {int.MinValue} to {int.MaxValue}"));
                return;
            }

            Misfit(element, path, problems);
        }
    }

    private sealed class ListShape(bool acceptsNull, JsonShape element) : JsonShape(acceptsNull)
    {
        private protected override string Expected => "a list";

        private protected override void CheckValue(JsonElement value, string path, ICollection<string> problems)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                Misfit(value, path, problems);
                return;
            }

            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                element.Check(item, $"{path}[{index++}]", problems);
            }
        }
    }

    /// <summary>An object with free keys (for example vLLM's extra flags): each key once, each value of one shape.</summary>
    private sealed class MapShape(bool acceptsNull, JsonShape value) : JsonShape(acceptsNull)
    {
        private protected override string Expected => "an object";

        private protected override void CheckValue(JsonElement element, string path, ICollection<string> problems)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Misfit(element, path, problems);
                return;
            }

            CheckKeysOnce(element, path, problems);
            foreach (var property in element.EnumerateObject())
            {
                value.Check(property.Value, Key(path, property.Name), problems);
            }
        }
    }

    /// <summary>A configuration section: known keys only, each once.</summary>
    private sealed class SectionShape : JsonShape
    {
        // The sections form a tree (no section holds itself), so the whole shape is built at once and only read after.
        internal SectionShape(Type type, bool acceptsNull, NullabilityInfoContext context)
            : base(acceptsNull)
            => Keys = type
                .GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanWrite && p.SetMethod!.IsPublic && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
                .ToDictionary(
                    p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name),
                    p => For(p.PropertyType, context.Create(p), context),
                    StringComparer.Ordinal);

        private protected override string Expected => "an object";

        private IReadOnlyDictionary<string, JsonShape> Keys { get; }

        private protected override void CheckValue(JsonElement element, string path, ICollection<string> problems)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Misfit(element, path, problems);
                return;
            }

            CheckKeysOnce(element, path, problems);
            foreach (var property in element.EnumerateObject())
            {
                if (Keys.TryGetValue(property.Name, out var shape))
                {
                    shape.Check(property.Value, Key(path, property.Name), problems);
                }
                else
                {
                    problems.Add($"{Key(path, property.Name)} is not a known key{KeySuggestion.For(property.Name, [.. Keys.Keys])}");
                }
            }
        }
    }

    // System.Text.Json keeps the last of two equal keys; a key given twice is a mistake to name, not a value to pick.
    private static void CheckKeysOnce(JsonElement element, string path, ICollection<string> problems)
    {
        foreach (var repeated in element.EnumerateObject().GroupBy(p => p.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"{Key(path, repeated.Key)} is given {repeated.Count()} times; keep one");
        }
    }
}
