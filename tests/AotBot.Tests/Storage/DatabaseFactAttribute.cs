using Xunit.Abstractions;
using Xunit.Sdk;

namespace AotBot.Tests.Storage;

/// <summary>
/// A fact of the shared storage suite. Declared once on the abstract suite, it is skipped for a test class marked
/// <see cref="RequiresEnvironmentAttribute"/> when that variable is absent: the attribute alone cannot tell which
/// class inherits it, the discoverer can.
/// </summary>
[XunitTestCaseDiscoverer("AotBot.Tests.Storage.DatabaseFactDiscoverer", "AotBot.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class DatabaseFactAttribute : FactAttribute;

/// <summary>The test class needs this environment variable (e.g. a database's connection string).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresEnvironmentAttribute(string variable) : Attribute
{
    public string Variable { get; } = variable;
}

public sealed class DatabaseFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(
        ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var required = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresEnvironmentAttribute)).FirstOrDefault();
        var variable = required?.GetConstructorArguments().FirstOrDefault() as string;
        if (variable is not null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
        {
            return new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
                discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, $"{variable} is not set");
        }
        return base.CreateTestCase(discoveryOptions, testMethod, factAttribute);
    }
}
