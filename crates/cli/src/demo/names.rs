//! Word lists for synthetic people: common UK given names and surnames, and a
//! fictional county's streets and towns (postcode area `NS`, which is not a
//! real UK postcode area, so no synthetic address is anyone's home).

pub const GIVEN_FEMALE: &[&str] = &[
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Sophie", "Emily", "Ella", "Freya",
    "Chloe", "Lily", "Evie", "Ruby", "Poppy", "Jessica", "Hannah", "Megan", "Lucy", "Zara",
    "Aisha", "Fatima", "Maryam", "Priya", "Ananya", "Siân", "Niamh", "Aoife", "Catrin", "Eilidh",
    "Margaret", "Susan", "Patricia", "Linda", "Karen", "Julie", "Claire", "Joanne", "Nicola", "Dawn",
];

pub const GIVEN_MALE: &[&str] = &[
    "Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Muhammad", "Oscar", "Charlie",
    "Jacob", "Thomas", "Henry", "William", "James", "Joshua", "Alfie", "Ethan", "Daniel", "Samuel",
    "Adam", "Yusuf", "Ibrahim", "Arjun", "Rohan", "Dylan", "Rhys", "Callum", "Ciaran", "Euan",
    "David", "Paul", "Mark", "Andrew", "Stephen", "Gary", "Kevin", "Darren", "Neil", "Lee",
];

pub const SURNAMES: &[&str] = &[
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
    "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
    "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill",
    "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen",
    "James", "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths",
    "Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy",
    "Miller", "Cox", "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh",
    "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali",
    "Hunt", "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight",
    "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey",
    "O'Brien", "Nowak", "Kowalski", "Okafor", "Mensah", "Ahmed", "Rahman", "Chen", "Nguyen", "da Silva",
];

pub const STREETS: &[&str] = &[
    "Station Road", "Church Lane", "High Street", "Mill Lane", "Park Avenue", "Victoria Road",
    "Queen Street", "Green Lane", "Manor Close", "The Crescent", "Orchard Way", "Meadow View",
    "Riverside Walk", "School Lane", "Kings Road", "Chapel Street", "Willow Drive", "Elm Grove",
    "Beech Avenue", "Castle Street", "Market Place", "Bridge Street", "North Road", "Spring Gardens",
];

/// (town, postcode district)
pub const TOWNS: &[(&str, &str)] = &[
    ("Northbridge", "NS1"),
    ("Northbridge", "NS2"),
    ("Northbridge", "NS3"),
    ("Ashcombe", "NS4"),
    ("Kingsmere", "NS5"),
    ("Dunholme", "NS6"),
    ("Fairleigh", "NS7"),
    ("Marston Vale", "NS8"),
    ("Holloway Cross", "NS9"),
];

/// Letters allowed in the inward part of a UK postcode.
pub const POSTCODE_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
